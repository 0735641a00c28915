#!/usr/bin/python3
"""png_colour.py PNG office|gp: exit 0 when the screenshot is not blank and
shows the report's chart lines: the office's (#2b5c9e) always, the GP's
(#d1495b) for "gp". Decodes the PNG with zlib alone (8-bit RGB or RGBA).
As a module (tests/hub/browser.sh, tests/analysis/browser.sh): size(path)
and pixels(path, step), the (r, g, b) of every step-th pixel of each row."""
import struct
import sys
import zlib

COLOURS = {"office": (0x2b, 0x5c, 0x9e), "gp": (0xd1, 0x49, 0x5b)}


def size(path):
    """(width, height) from the PNG's IHDR."""
    data = open(path, "rb").read(24)
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR", "not a PNG"
    return struct.unpack(">II", data[16:24])


def pixels(path, step=1):
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat = 8, b""
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            w, h, depth, ctype = struct.unpack(">IIBB", body[:10])
            assert depth == 8 and ctype in (2, 6), f"PNG depth {depth} type {ctype}"
            bpp = 3 if ctype == 2 else 4
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    raw = zlib.decompress(idat)
    stride = w * bpp
    prev = bytearray(stride)
    for y in range(h):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b, c = prev[i], prev[i - bpp] if i >= bpp else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        for x in range(0, stride, bpp * step):
            yield tuple(line[x:x + 3])
        prev = line


def main():
    path, page = sys.argv[1], sys.argv[2]
    want = ["office"] + (["gp"] if page == "gp" else [])
    hits = {k: 0 for k in want}
    colours = set()
    for px in pixels(path):
        colours.add(px)
        for k in want:
            r, g, b = COLOURS[k]
            if abs(px[0] - r) < 14 and abs(px[1] - g) < 14 and abs(px[2] - b) < 14:
                hits[k] += 1
    print(f"     {path}: {len(colours)} colours, line pixels {hits}")
    if len(colours) < 20:
        sys.exit("nearly blank")
    if any(v < 200 for v in hits.values()):
        sys.exit("a chart line is missing")


if __name__ == "__main__":
    main()
