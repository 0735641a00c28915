/*
 * synth_emit.c - turns a generated patient (synth_model.c) into rows of
 * the reference EHR schema and hands them to the sink; writes journal note
 * bodies (ordinary sentences, LMG sentences that match the note rule and
 * traps that must not, now and then the patient's own name), applies the
 * --dirt rate (messy code spellings, duplicates, NULLs, bad enum values,
 * negative DDD, unparseable dates for SQLite), lists identifiers for
 * --ids-out, and drives the whole generation (synth_generate).
 */
#include "synth.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *const role_name[ROLE_COUNT] = {
    "gp", "nurse", "secretary", "psychologist", "other"};
static const char *const kind_name[K_COUNT] = {
    "consultation", "home_visit", "video", "e_consultation", "phone", "letter",
    "meeting", "admin"};
static const char *const use_name[] = {"regular", "as_needed", "course"};
static const char *const form_name[] = {
    NULL, "noklus_diabetes", "sykmelding", "helseattest_forerkort", "legeerklaering"};
static const struct {
    const char *code, *unit;
} lab_def[LAB_COUNT] = {
    [LAB_HBA1C] = {"NPU27300", "mmol/mol"}, [LAB_HBA1C_PCT] = {"NPU03835", "%"},
    [LAB_UACR] = {"NOR15260", "mg/mmol"}, [LAB_CREA] = {"NPU18016", "µmol/L"},
    [LAB_LDL] = {"NPU01568", "mmol/L"}, [LAB_TSH] = {"NPU03577", "mIE/L"},
    [LAB_HB] = {"NOR05172", "g/dL"}, [LAB_CRP] = {"NPU19748", "mg/L"},
};
static const char *const lab_text[] = {NULL, "<3", "positiv", "<5"};
static const char *const cond_no[C_COUNT] = {
    "diabetes type 2", "diabetes type 1", "hypertensjon", "koronarsykdom",
    "hjertesvikt", "atrieflimmer", "hjerneslag/TIA", "kronisk nyresykdom",
    "KOLS", "astma", "demens", "artrose", "osteoporose", "kreft",
    "Parkinsons sykdom", "epilepsi", "hypotyreose", "ADHD", "kroniske smerter",
    "søvnvansker", "prostatahyperplasi", "refluks", "urinsyregikt", "migrene",
    "allergisk rhinitt", "schizofreni"};

/* ------------------------------------------------------------ values */

static sval sv_null(void) { return (sval){SV_NULL, 0, 0, NULL}; }
static sval sv_int(int64_t i) { return (sval){SV_INT, i, 0, NULL}; }
static sval sv_real(double r) { return (sval){SV_REAL, 0, r, NULL}; }
static sval sv_text(const char *s) { return s ? (sval){SV_TEXT, 0, 0, s} : sv_null(); }
static sval sv_date(int32_t d) { return (sval){SV_DATE, d, 0, NULL}; }
static sval sv_opt_date(int32_t d) { return d == DAY_NONE ? sv_null() : sv_date(d); }

static sval sv_time(int32_t d, int sec)
{
    return (sval){SV_TIME, (int64_t)d * 86400 + sec, 0, NULL};
}

static int put(model *m, int table, const sval *v)
{
    if (m->s->row(m->s, table, v) != 0) {
        sfmt(m->err, m->errlen, "%s", m->s->err);
        return -1;
    }
    return 0;
}

static int put_id(model *m, const char *what)
{
    if (!m->ids || !what || !what[0])
        return 0;
    if (fputs(what, m->ids) == EOF || fputc('\n', m->ids) == EOF) {
        sfmt(m->err, m->errlen, "--ids-out: write failed");
        return -1;
    }
    return 0;
}

/* -------------------------------------------------------------- dirt */

static double dirt(const model *m)
{
    return m->o->dirt;
}

static void lower(char *s)
{
    for (; *s; s++)
        *s = (char)tolower((unsigned char)*s);
}

static void upper(char *s)
{
    for (; *s; s++)
        *s = (char)toupper((unsigned char)*s);
}

static void drop_dot(char *s)
{
    char *w = s;
    for (; *s; s++)
        if (*s != '.')
            *w++ = *s;
    *w = '\0';
}

/* A diagnosis code as a careless record holds it ('e11.9', ' t90 ', ...). */
static const char *dirty_dx(model *m, patient_t *p, const dx_t *d, char *buf, size_t n)
{
    if (!rng_bern(&p->rd, 2 * dirt(m)))
        return d->code;
    char c[16];
    sfmt(c, sizeof c, "%s", d->code);
    switch (rng_int(&p->rd, 0, 3)) {
    case 0:
        lower(c);
        sfmt(buf, n, "%s", c);
        break;
    case 1:
        lower(c);
        sfmt(buf, n, " %s ", c);
        break;
    case 2:
        sfmt(buf, n, "%s%s", c, rng_bern(&p->rd, 0.5) ? "\t" : "\r\n");
        break;
    default:
        drop_dot(c);
        lower(c);
        sfmt(buf, n, "%s", c);
        break;
    }
    return buf;
}

static const char *dirty_code(model *m, patient_t *p, const char *code, double rate,
                              char *buf, size_t n)
{
    if (!rng_bern(&p->rd, rate * dirt(m)))
        return code;
    char c[24];
    sfmt(c, sizeof c, "%s", code);
    if (rng_bern(&p->rd, 0.5)) {
        if (islower((unsigned char)c[strlen(c) - 1]) || islower((unsigned char)c[0]) ||
            strpbrk(c, "abcdefghijklmnopqrstuvwxyz"))
            upper(c);
        else
            lower(c);
        sfmt(buf, n, "%s", c);
    } else {
        sfmt(buf, n, " %s ", c);
    }
    return buf;
}

/* A date, or for SQLite (rarely) an unparseable spelling of it. */
static sval maybe_bad_date(model *m, patient_t *p, int32_t day, char *buf, size_t n)
{
    if (!rng_bern(&p->rd, dirt(m) / 10))
        return sv_date(day);
    int y, mo, d;
    ymd_from_day(day, &y, &mo, &d);
    switch (rng_int(&p->rd, 0, 2)) {
    case 0:
        sfmt(buf, n, "%04d-02-30", y);
        break;
    case 1:
        sfmt(buf, n, "%02d.%02d.%04d", d, mo, y);
        break;
    default:
        sfmt(buf, n, "%04d-%02d-%02d", y, 13, d);
        break;
    }
    /* The draws above happen either way, so both back ends stay in step. */
    if (m->o->no_bad_dates)
        return sv_date(day);
    return (sval){SV_BADDATE, day, 0, buf};
}

/* ------------------------------------------------------------- notes */

static int subst(char *out, size_t n, const char *tmpl, const char *key, const char *val)
{
    const char *k = strstr(tmpl, key);
    if (!k)
        return sfmt(out, n, "%s", tmpl);
    return sfmt(out, n, "%.*s%s%s", (int)(k - tmpl), tmpl, val, k + strlen(key));
}

static const char *lmg_template(patient_t *p, int with_drug)
{
    for (int tries = 0; tries < 50; tries++) {
        const char *t = synth_lmg_match[rng_int(&p->r, 0, synth_nlmg_match - 1)];
        if ((strstr(t, "{drug}") != NULL) == with_drug || (with_drug && tries > 10))
            return t;
    }
    return synth_lmg_match[0];
}

static const char *chronic_sentence(int c)
{
    switch (c) {
    case C_DM2:
    case C_DM1:
        return "Diabeteskontroll. Fortsetter uendret behandling.";
    case C_HT:
        return "BT-kontroll. Fortsetter blodtrykksmedisin.";
    case C_IHD:
        return "Ingen brystsmerter siden sist. Fortsetter ASA og statin.";
    case C_HF:
        return "Lett økte ødemer, vekt opp to kilo. Øker vanndrivende midlertidig.";
    case C_AF:
        return "Kontroll atrieflimmer, regelmessig puls i dag. Fortsetter antikoagulasjon.";
    case C_COPD:
        return "KOLS-kontroll. Stabil, bruker inhalatorer som avtalt. Røykeslutt tatt opp.";
    case C_DEMENTIA:
        return "Samtale med pårørende om økende hjelpebehov. Søkt mer hjemmetjeneste.";
    case C_OA:
        return "Vondt i kneet ved gange. Fortsetter paracetamol, henvist fysioterapeut.";
    case C_CHRPAIN:
        return "Langvarige smerter, uendret. Gjennomgått smertelindring.";
    case C_INSOMNIA:
        return "Fortsatt dårlig søvn. Søvnhygiene gjennomgått på nytt.";
    default:
        return NULL;
    }
}

static int note_body(patient_t *p, const enc_t *e, char *body, size_t n)
{
    rng_t *r = &p->r;
    char tmp[400];
    const char *s = NULL;
    tmp[0] = '\0';
    if (e->note == NOTE_TRAP) {
        s = synth_lmg_trap[rng_int(r, 0, synth_nlmg_trap - 1)];
    } else if (e->note == NOTE_LMG) {
        const char *t = lmg_template(p, e->drug >= 0);
        subst(tmp, sizeof tmp, t, "{drug}", e->drug >= 0 ? synth_drugs[e->drug].name : "");
        s = tmp;
    } else {
        switch (e->purpose) {
        case PU_ACUTE:
            s = e->ndx ? synth_acute[e->cond < synth_nacute ? e->cond : 0].note
                       : "Sykepleierkonsultasjon, se målinger.";
            break;
        case PU_CHRONIC:
            s = chronic_sentence(e->cond);
            if (e->bp)
                sfmt(tmp, sizeof tmp, "%s BT %d/%d.", s ? s : "Kontroll.", e->sys, e->dia);
            else if (!s)
                sfmt(tmp, sizeof tmp, "Kontroll av %s. Stabil, ingen endringer.", cond_no[e->cond]);
            if (tmp[0])
                s = tmp;
            break;
        case PU_ONSET:
            sfmt(tmp, sizeof tmp, "Ny diagnose: %s. Informert om tilstanden og videre plan.",
                 cond_no[e->cond]);
            s = tmp;
            break;
        case PU_DM_ANNUAL:
            sfmt(tmp, sizeof tmp,
                 "Årskontroll diabetes%s. Føttene undersøkt, monofilament normalt. "
                 "Øyelegekontroll siste år: %s.",
                 e->form ? ", Noklus-skjema fylt ut" : "", rng_bern(r, 0.7) ? "ja" : "nei");
            s = tmp;
            break;
        case PU_LAB:
            s = "Blodprøver tatt etter rekvisisjon.";
            break;
        case PU_COPD_EXAC:
            s = "Økt tung pust og hoste siste uke, mer ekspektorat. KOLS-forverring. "
                "Prednisolon 40 mg x 1 i fem dager.";
            break;
        case PU_COPD_CTRL:
            s = "Kontroll etter KOLS-forverring. Bedre, tilbake til vanlig form.";
            break;
        case PU_DEP_NEW:
            sfmt(tmp, sizeof tmp, "Nedstemt og søvnvansker siste måneder, PHQ-9 %d. "
                 "Depressiv episode. Samtale, ny time om to uker.", rng_int(r, 10, 22));
            s = tmp;
            break;
        case PU_DEP_FU:
            s = "Oppfølging depresjon. Noe bedre, sover bedre.";
            break;
        case PU_ANX_NEW:
            s = "Uro, hjertebank og bekymringer i flere uker. Angstlidelse. "
                "Informert om kognitiv tilnærming.";
            break;
        case PU_ANX_FU:
            s = "Oppfølging angst. Mindre uro, bruker pusteøvelser.";
            break;
        case PU_CBT:
            sfmt(tmp, sizeof tmp, "Kognitiv terapi, time %d. Arbeider med tankeskjema.", e->cond);
            s = tmp;
            break;
        case PU_PSYCH:
            s = "Samtale hos psykolog i teamet. Ny time om to uker.";
            break;
        case PU_RENEW:
            s = "Fornyet faste resepter etter forespørsel.";
            break;
        case PU_LETTER:
            s = rng_bern(r, 0.5) ? "Epikrise fra sykehuset mottatt og lest."
                                 : "Poliklinisk notat fra spesialist mottatt.";
            break;
        case PU_HOME:
            s = "Sykebesøk. Redusert allmenntilstand, samtale med pårørende og hjemmesykepleien.";
            break;
        case PU_MEETING:
            s = "Tverrfaglig møte med hjemmetjenesten om videre oppfølging.";
            break;
        case PU_VACCINE:
            s = "Influensavaksine satt i venstre overarm.";
            break;
        default:
            s = "Prøvesvar sendt til pasienten via Helsenorge.";
            break;
        }
    }
    if (rng_bern(r, 0.05)) {
        switch (rng_int(r, 0, 2)) {
        case 0:
            return sfmt(body, n, "%s møtte selv. %s", p->name, s);
        case 1:
            return sfmt(body, n, "Telefon fra %s. %s", p->name, s);
        default:
            return sfmt(body, n, "Pas. %s: %s", p->name, s);
        }
    }
    return sfmt(body, n, "%s", s);
}

/* -------------------------------------------------------------- rows */

int emit_staff(model *m)
{
    for (int i = 0; i < m->nstaff; i++) {
        const staff_t *s = &m->staff[i];
        char hpr[16];
        sfmt(hpr, sizeof hpr, "%d", s->hpr_num);
        sval v[4] = {sv_int(i + 1), s->has_hpr ? sv_text(hpr) : sv_null(),
                     sv_text(s->name), sv_text(role_name[s->role])};
        if (put(m, TB_PRACTITIONER, v) != 0 || put_id(m, s->name) != 0 ||
            (s->has_hpr && put_id(m, hpr) != 0))
            return -1;
    }
    return 0;
}

static int emit_lists(model *m, patient_t *p)
{
    for (int i = 0; i < p->nseg; i++) {
        const seg_t *g = &p->seg[i];
        const slot_t *s = &m->slot[g->slot];
        for (int k = 0; k < s->n; k++) {
            int32_t a = g->from > s->from[k] ? g->from : s->from[k];
            int32_t b = k + 1 < s->n ? s->from[k + 1] : DAY_NONE;
            if (g->to < b)
                b = g->to;
            if (a >= b)
                continue;
            sval v[4] = {sv_int(p->id), sv_int(s->gp[k] + 1), sv_date(a), sv_opt_date(b)};
            if (put(m, TB_LIST_PERIOD, v) != 0)
                return -1;
        }
    }
    return 0;
}

static int emit_dx(model *m, patient_t *p, int64_t contact, int32_t day, const dx_t *d)
{
    char code[32], bad[24];
    sval v[6] = {sv_int(++m->next[TB_DIAGNOSIS]), sv_int(p->id),
                 contact ? sv_int(contact) : sv_null(),
                 contact ? sv_date(day) : maybe_bad_date(m, p, day, bad, sizeof bad),
                 sv_text(d->icd ? "ICD-10" : "ICPC-2"),
                 sv_text(dirty_dx(m, p, d, code, sizeof code))};
    return put(m, TB_DIAGNOSIS, v);
}

static int emit_lab(model *m, patient_t *p, int32_t day, const lab_t *l)
{
    char code[32], bad[24];
    static const char *const junk[] = {"hemolysert", "for lite materiale", "se kommentar"};
    sval num = sv_real(l->v), txt = sv_null();
    if (l->text) {
        num = sv_null();
        txt = sv_text(lab_text[l->text]);
    } else if (rng_bern(&p->rd, dirt(m))) {
        num = sv_null();
        txt = sv_text(junk[rng_int(&p->rd, 0, 2)]);
    }
    sval v[7] = {sv_int(++m->next[TB_LAB_RESULT]), sv_int(p->id),
                 maybe_bad_date(m, p, day, bad, sizeof bad),
                 sv_text(dirty_code(m, p, lab_def[l->test].code, 1, code, sizeof code)),
                 num, txt, sv_text(lab_def[l->test].unit)};
    return put(m, TB_LAB_RESULT, v);
}

static int emit_bp(model *m, patient_t *p, const enc_t *e)
{
    char bad[24];
    sval v[4] = {sv_int(p->id), maybe_bad_date(m, p, e->day, bad, sizeof bad),
                 sv_int(e->sys), sv_int(e->dia)};
    int n = 1 + rng_bern(&p->rd, dirt(m));      /* sometimes an exact duplicate */
    for (int k = 0; k < n; k++)
        if (put(m, TB_BLOOD_PRESSURE, v) != 0)
            return -1;
    return 0;
}

static int emit_note(model *m, patient_t *p, const enc_t *e, int64_t contact)
{
    char body[600];
    if (note_body(p, e, body, sizeof body) != 0) {
        sfmt(m->err, m->errlen, "generator: journal note of patient %lld too long",
             (long long)p->id);
        return -1;
    }
    int loose = rng_bern(&p->r, 0.05);
    int32_t day = e->day + (rng_bern(&p->r, 0.1) ? 1 : 0);
    sval v[6] = {sv_int(++m->next[TB_JOURNAL_NOTE]), sv_int(p->id),
                 loose ? sv_null() : sv_int(contact), sv_int(e->staff + 1), sv_date(day),
                 sv_text(body)};
    return put(m, TB_JOURNAL_NOTE, v);
}

static int emit_enc(model *m, patient_t *p, const enc_t *e)
{
    int64_t cid = ++m->next[TB_CONTACT];
    const char *kind = rng_bern(&p->rd, dirt(m) / 5) ? "visit" : kind_name[e->kind];
    sval c[5] = {sv_int(cid), sv_int(p->id), sv_int(e->staff + 1), sv_time(e->day, e->sec),
                 sv_text(kind)};
    if (put(m, TB_CONTACT, c) != 0)
        return -1;
    for (int i = 0; i < e->nfee; i++) {
        char code[32];
        sval f[2] = {sv_int(cid), sv_text(dirty_code(m, p, e->fee[i], 2, code, sizeof code))};
        int n = 1 + rng_bern(&p->rd, dirt(m));
        for (int k = 0; k < n; k++)
            if (put(m, TB_FEE, f) != 0)
                return -1;
    }
    for (int i = 0; i < e->ndx; i++)
        if (emit_dx(m, p, cid, e->day, &e->dx[i]) != 0)
            return -1;
    for (int i = 0; i < e->nlab; i++)
        if (emit_lab(m, p, e->day, &e->lab[i]) != 0)
            return -1;
    if (e->bp && emit_bp(m, p, e) != 0)
        return -1;
    if (e->form) {
        sval f[4] = {sv_int(++m->next[TB_FORM]), sv_int(p->id), sv_date(e->day),
                     sv_text(form_name[e->form])};
        if (put(m, TB_FORM, f) != 0)
            return -1;
    }
    if (e->note && emit_note(m, p, e, cid) != 0)
        return -1;
    return 0;
}

static int emit_med(model *m, patient_t *p, med_t *md)
{
    char atc[32];
    md->id = ++m->next[TB_MEDICATION];
    const drug_def *d = md->drug >= 0 ? &synth_drugs[md->drug] : NULL;
    int32_t stop = md->stop;
    if (stop != DAY_NONE && stop > m->T + 1 && md->use != U_COURSE)
        stop = DAY_NONE;
    const char *use = rng_bern(&p->rd, dirt(m) / 5) ? "daily" : use_name[md->use];
    sval v[7] = {sv_int(md->id), sv_int(p->id),
                 d ? sv_text(dirty_code(m, p, d->atc, 1, atc, sizeof atc)) : sv_null(),
                 sv_text(d ? d->name : md->free), sv_text(use), sv_date(md->start),
                 sv_opt_date(stop)};
    return put(m, TB_MEDICATION, v);
}

static int emit_rx(model *m, patient_t *p, const rx_t *x)
{
    const drug_def *d = &synth_drugs[x->drug];
    char atc[32], bad[24], grp[2] = {d->group, '\0'};
    const char *code = d->atc_new && day_year(x->day) >= d->new_year ? d->atc_new : d->atc;
    double ddd = round(x->units * d->ddd_unit * 100) / 100;
    sval dv = sv_real(ddd);
    if (rng_bern(&p->rd, 2 * dirt(m)))
        dv = sv_null();
    else if (rng_bern(&p->rd, dirt(m) / 5))
        dv = sv_real(-ddd);
    sval gv = sv_text(grp);
    if (rng_bern(&p->r, x->day < day_from_ymd(2014, 1, 1) ? 0.15 : 0.02))
        gv = sv_null();
    else if ((x->drug == D_PARACETAMOL || x->drug == D_CETIRIZINE) && rng_bern(&p->r, 0.4))
        gv = sv_text("F");
    sval v[8] = {sv_int(++m->next[TB_PRESCRIPTION]), sv_int(p->id),
                 x->med >= 0 && !p->med[x->med].dropped ? sv_int(p->med[x->med].id) : sv_null(),
                 rng_bern(&p->r, 0.005) ? sv_null() : sv_int(x->staff + 1),
                 maybe_bad_date(m, p, x->day, bad, sizeof bad),
                 sv_text(dirty_code(m, p, code, 1, atc, sizeof atc)), dv, gv};
    return put(m, TB_PRESCRIPTION, v);
}

static int cmp_enc(const void *a, const void *b)
{
    const enc_t *x = a, *y = b;
    if (x->day != y->day)
        return x->day < y->day ? -1 : 1;
    if (x->sec != y->sec)
        return x->sec < y->sec ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static int cmp_rx(const void *a, const void *b)
{
    const rx_t *x = a, *y = b;
    if (x->day != y->day)
        return x->day < y->day ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static int cmp_fdx(const void *a, const void *b)
{
    const fdx_t *x = a, *y = b;
    return x->day < y->day ? -1 : x->day > y->day;
}

int emit_patient(model *m)
{
    patient_t *p = &m->p;
    if (p->nwin == 0)
        return 0;               /* never here: no record */
    const char *sex = p->sex ? "M" : "F";
    if (rng_bern(&p->r, 0.0005))
        sex = "U";              /* valid: unknown */
    if (rng_bern(&p->rd, dirt(m) / 20))
        sex = "X";              /* invalid enum value: a bad row */
    sval v[6] = {sv_int(p->id), sv_text(p->fnr[0] ? p->fnr : NULL), sv_text(p->name),
                 sv_date(p->birth), sv_text(sex), sv_opt_date(p->death)};
    if (put(m, TB_PATIENT, v) != 0 || put_id(m, p->fnr) != 0 || put_id(m, p->name) != 0)
        return -1;
    if (emit_lists(m, p) != 0)
        return -1;
    if (p->nenc > 1)
        qsort(p->enc, (size_t)p->nenc, sizeof *p->enc, cmp_enc);
    for (int i = 0; i < p->nenc; i++)
        if (emit_enc(m, p, &p->enc[i]) != 0)
            return -1;
    if (p->nfdx > 1)
        qsort(p->fdx, (size_t)p->nfdx, sizeof *p->fdx, cmp_fdx);
    for (int i = 0; i < p->nfdx; i++)
        if (emit_dx(m, p, 0, p->fdx[i].day, &p->fdx[i].dx) != 0)
            return -1;
    for (int i = 0; i < p->nmed; i++)
        if (!p->med[i].dropped && emit_med(m, p, &p->med[i]) != 0)
            return -1;
    if (p->nrx > 1)
        qsort(p->rx, (size_t)p->nrx, sizeof *p->rx, cmp_rx);
    for (int i = 0; i < p->nrx; i++)
        if (emit_rx(m, p, &p->rx[i]) != 0)
            return -1;
    int listed = 0;
    for (int i = 0; i < p->nseg; i++)
        if (p->seg[i].from <= m->T && (p->seg[i].to == DAY_NONE || p->seg[i].to > m->T))
            listed = 1;
    if (listed && (p->death == DAY_NONE || p->death > m->T))
        m->listed_end++;
    return 0;
}

/* ------------------------------------------------------------ fnr set */

int fnr_set_add(fnr_set *s, uint64_t v)
{
    if ((s->n + 1) * 2 > s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 1 << 16;
        uint64_t *nv = calloc(cap, sizeof *nv);
        if (!nv)
            return -1;
        for (size_t i = 0; i < s->cap; i++) {
            if (!s->v[i])
                continue;
            size_t h = (size_t)(s->v[i] * 0x9E3779B97F4A7C15ULL) & (cap - 1);
            while (nv[h])
                h = (h + 1) & (cap - 1);
            nv[h] = s->v[i];
        }
        free(s->v);
        s->v = nv;
        s->cap = cap;
    }
    size_t h = (size_t)(v * 0x9E3779B97F4A7C15ULL) & (s->cap - 1);
    while (s->v[h]) {
        if (s->v[h] == v)
            return 0;
        h = (h + 1) & (s->cap - 1);
    }
    s->v[h] = v;
    s->n++;
    return 1;
}

/* ------------------------------------------------------------- driver */

int synth_generate(const synth_opts *o, sink *s, FILE *ids, synth_stats *st,
                   char *err, size_t errlen)
{
    int rc = -1;
    model *m = calloc(1, sizeof *m);
    if (!m) {
        sfmt(err, errlen, "generator: out of memory");
        return -1;
    }
    m->o = o;
    m->s = s;
    m->ids = ids;
    m->err = err;
    m->errlen = errlen;
    m->F = day_from_ymd(o->from_y, o->from_m, 1);
    m->T = day_month_end(o->to_y, o->to_m);
    m->team = o->team_effect ? day_from_ymd(o->team_y, o->team_m, 1) : DAY_NONE;
    m->d_covid = day_from_ymd(2020, 3, 12);
    m->d_econs = day_from_ymd(2015, 1, 1);
    m->d_psych = day_from_ymd(2019, 9, 1);
    m->d_fee_change = day_from_ymd(2022, 7, 1);
    m->d_hba1c_pct = day_from_ymd(2013, 1, 1);
    m->d_form_common = day_from_ymd(2014, 1, 1);
    if (model_build_staff(m) != 0) {
        sfmt(err, errlen, "generator: more than %d practitioners", MAX_STAFF);
        goto done;
    }
    if (emit_staff(m) != 0)
        goto done;
    long step = o->patients / 10 > 0 ? o->patients / 10 : 1;
    for (long i = 0; i < o->patients; i++) {
        if (model_patient(m, i) != 0) {
            sfmt(err, errlen, "generator: out of memory at patient %ld", i + 1);
            goto done;
        }
        if (emit_patient(m) != 0)
            goto done;
        if (!o->quiet && (i + 1) % step == 0)
            fprintf(stderr, "kvalind-synth: %ld/%ld patients\n", i + 1, o->patients);
    }
    if (st) {
        st->listed_at_end = m->listed_end;
        st->gps = m->nslot;
        st->nurses = m->nrole[ROLE_NURSE];
        st->staff = m->nstaff;
    }
    rc = 0;
done:
    free(m->p.enc);
    free(m->p.med);
    free(m->p.rx);
    free(m->p.fdx);
    free(m->fnrs.v);
    free(m);
    return rc;
}
