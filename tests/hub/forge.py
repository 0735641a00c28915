#!/usr/bin/python3
"""forge.py - build a hand-made extract from a real one, consistent in every
way the office would make it (data.csv's SHA-256, bytes and rows in the
manifest, the extract id), except for the change asked for. Writes
OUT/manifest.json, OUT/data.csv and OUT/id.

  forge.py SRC OUT --numerator N   the first row with a published numerator
                                   and a published denominator >= N gets
                                   numerator N (share recomputed as the
                                   office would: "%.4f" of N/D)
  forge.py SRC OUT --bump          the first such row's numerator + 5 (a
                                   corrected extract that passes every check)
"""
import argparse
import hashlib
import json
import os


def main():
    p = argparse.ArgumentParser()
    p.add_argument("src")
    p.add_argument("out")
    g = p.add_mutually_exclusive_group(required=True)
    g.add_argument("--numerator", type=int)
    g.add_argument("--bump", action="store_true")
    a = p.parse_args()

    with open(os.path.join(a.src, "data.csv"), "rb") as f:
        lines = f.read().decode("ascii").split("\n")
    with open(os.path.join(a.src, "manifest.json")) as f:
        manifest = json.load(f)
    header, rows = lines[0], [l for l in lines[1:] if l]
    done = False
    for i, row in enumerate(rows):
        c = row.split(",")
        if c[5] != "published" or c[7] != "published":
            continue
        num, den = int(c[4]), int(c[6])
        new = num + 5 if a.bump else a.numerator
        if new > den or new == num:
            continue
        c[4] = str(new)
        c[8] = "%.4f" % (new / den)
        rows[i] = ",".join(c)
        done = True
        break
    if not done:
        raise SystemExit("forge.py: no row to change")
    csv = (header + "\n" + "\n".join(rows) + "\n").encode("ascii")
    sha = hashlib.sha256(csv).hexdigest()
    month = manifest["months"][0]
    manifest["data"].update({"rows": len(rows), "bytes": len(csv), "sha256": sha})
    manifest["extract_id"] = "%s_%s_%s" % (manifest["participant"], month, sha[:16])
    os.makedirs(a.out, exist_ok=True)
    with open(os.path.join(a.out, "data.csv"), "wb") as f:
        f.write(csv)
    with open(os.path.join(a.out, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=2)
        f.write("\n")
    with open(os.path.join(a.out, "id"), "w") as f:
        f.write(manifest["extract_id"] + "\n")


if __name__ == "__main__":
    main()
