/*
 * synth_model.c - the population model of kvalind-synth.
 *
 * An office of several GP lists (about 1,100 listed patients per GP) with
 * nurses, secretaries, a bioengineer and later a psychologist. Patients are
 * generated one at a time from their own sub-seed (seed, patient number):
 * demographics from Norway's 2012 pyramid, list history with moves in and
 * out, GP switches, list hand-overs, births and deaths; chronic conditions
 * whose age/sex curves are scaled by a few latent risk factors; episodes of
 * depression and anxiety; the contacts, fees, diagnoses, labs, blood
 * pressures, forms, medication list and prescriptions that follow. Rows are
 * written by synth_emit.c when the patient is complete, so memory stays
 * proportional to one patient.
 */
#include "synth.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define TURNOVER 0.075          /* list out-flow per year (moves + deaths) */
#define VISITOR_SHARE 0.03      /* patients never listed (temporary) */
#define BIRTH_SHARE 0.15        /* newcomers who are newborns */
#define TEAM_EFFECT 0.185       /* added yearly annual-check probability */
#define PATIENTS_PER_GP 1100.0

/* -------------------------------------------------------------- helpers */

static double clampd(double x, double lo, double hi)
{
    return x < lo ? lo : x > hi ? hi : x;
}

static int32_t min32(int32_t a, int32_t b)
{
    return a < b ? a : b;
}

static int32_t max32(int32_t a, int32_t b)
{
    return a > b ? a : b;
}

static int32_t years_days(double y)
{
    return (int32_t)lround(y * 365.25);
}

static int32_t weekday_adjust(int32_t d)
{
    int w = day_weekday(d);
    return w == 5 ? d + 2 : w == 6 ? d + 1 : d;
}

static int grow(void **arr, int *cap, int need, size_t elem)
{
    if (need <= *cap)
        return 0;
    int c = *cap ? *cap : 64;
    while (c < need)
        c *= 2;
    void *p = realloc(*arr, (size_t)c * elem);
    if (!p)
        return -1;
    *arr = p;
    *cap = c;
    return 0;
}

/* ---------------------------------------------------------------- staff */

static void random_name(rng_t *r, int female, char *first, size_t nf,
                        char *full, size_t nfull)
{
    const char *const *names = female ? synth_female : synth_male;
    int n = female ? synth_nfemale : synth_nmale;
    const char *f = names[rng_int(r, 0, n - 1)];
    const char *sur = synth_surname[rng_int(r, 0, synth_nsurname - 1)];
    sfmt(first, nf, "%s", f);
    if (rng_bern(r, 0.35)) {
        const char *mid = names[rng_int(r, 0, n - 1)];
        if (strcmp(mid, f) != 0) {
            sfmt(full, nfull, "%s %s %s", f, mid, sur);
            return;
        }
    }
    if (rng_bern(r, 0.08)) {
        const char *sur2 = synth_surname[rng_int(r, 0, synth_nsurname - 1)];
        if (strcmp(sur2, sur) != 0) {
            sfmt(full, nfull, "%s %s %s", f, sur2, sur);
            return;
        }
    }
    sfmt(full, nfull, "%s %s", f, sur);
}

static int add_staff(model *m, rng_t *r, int role, int32_t from, int32_t to)
{
    if (m->nstaff >= MAX_STAFF)
        return -1;
    staff_t *s = &m->staff[m->nstaff];
    memset(s, 0, sizeof *s);
    s->role = role;
    s->from = from;
    s->to = to;
    char first[32];
    int female = rng_bern(r, role == ROLE_GP ? 0.45 : 0.85);
    random_name(r, female, first, sizeof first, s->name, sizeof s->name);
    /* Unique 7-digit HPR numbers. */
    for (;;) {
        int h = rng_int(r, 1000000, 9999999);
        int dup = 0;
        for (int i = 0; i < m->nstaff; i++)
            if (m->staff[i].hpr_num == h)
                dup = 1;
        if (!dup) {
            s->hpr_num = h;
            break;
        }
    }
    s->has_hpr = !(role == ROLE_OTHER && rng_bern(r, 0.5));
    s->lmg = 0.3 + 1.4 * rng_unif(r);
    s->icd_user = role == ROLE_GP && rng_bern(r, 0.2);
    m->by_role[role][m->nrole[role]++] = m->nstaff;
    return m->nstaff++;
}

static int32_t month_start_between(rng_t *r, int32_t a, int32_t b)
{
    int32_t d = a + rng_int(r, 0, b - a);
    int y, mo, dd;
    ymd_from_day(d, &y, &mo, &dd);
    return day_from_ymd(y, mo, 1);
}

int model_build_staff(model *m)
{
    rng_t r;
    rng_seed(&r, m->o->seed ^ 0x5747AFF5EEDULL);
    double years = (m->T - m->F + 1) / 365.25;
    double listed = m->o->patients * (1 - VISITOR_SHARE) / (1 + TURNOVER * years);
    int gps = (int)lround(listed / PATIENTS_PER_GP);
    if (gps < 2)
        gps = 2;
    if (gps > MAX_SLOTS)
        gps = MAX_SLOTS;
    int32_t ever = INT32_MIN / 2, never = DAY_NONE;
    int span = m->T - m->F;
    for (int sl = 0; sl < gps; sl++) {
        slot_t *s = &m->slot[m->nslot++];
        s->n = 0;
        s->from[0] = ever;
        int changes = rng_bern(&r, 0.35) + rng_bern(&r, 0.08);
        for (int k = 1; k <= changes && span > 400; k++) {
            int32_t lo = k == 1 ? m->F + 180 : s->from[k - 1] + 180;
            if (lo >= m->T - 180)
                break;
            s->from[k] = month_start_between(&r, lo, m->T - 180);
            s->n = k;
        }
        s->n++;
        for (int k = 0; k < s->n; k++) {
            int32_t to = k + 1 < s->n ? s->from[k + 1] : never;
            int id = add_staff(m, &r, ROLE_GP, s->from[k], to);
            if (id < 0)
                return -1;
            s->gp[k] = id;
        }
    }
    int subs = 1 + gps / 6;
    for (int i = 0; i < subs; i++) {
        int32_t a = m->F + rng_int(&r, 0, span > 0 ? span : 1);
        if (add_staff(m, &r, ROLE_GP, a, a + rng_int(&r, 365, 3 * 365)) < 0)
            return -1;
    }
    int nurses = (gps + 1) / 2;
    for (int i = 0; i < nurses; i++)
        if (add_staff(m, &r, ROLE_NURSE, ever, never) < 0)
            return -1;
    if (m->team != DAY_NONE) {
        int extra = gps / 3 > 0 ? gps / 3 : 1;
        for (int i = 0; i < extra; i++)
            if (add_staff(m, &r, ROLE_NURSE, m->team, never) < 0)
                return -1;
    }
    int secretaries = (gps + 2) / 3;
    for (int i = 0; i < secretaries; i++)
        if (add_staff(m, &r, ROLE_SECRETARY, ever, never) < 0)
            return -1;
    int32_t psych = day_from_ymd(2019, 9, 1);
    if (psych <= m->T && add_staff(m, &r, ROLE_PSYCH, psych, never) < 0)
        return -1;
    if (add_staff(m, &r, ROLE_OTHER, ever, never) < 0)
        return -1;
    return 0;
}

/* ------------------------------------------------------- list and staff */

static int seg_at(const patient_t *p, int32_t day)
{
    for (int i = 0; i < p->nseg; i++)
        if (p->seg[i].from <= day && (p->seg[i].to == DAY_NONE || day < p->seg[i].to))
            return i;
    return -1;
}

static int slot_gp(const model *m, int slot, int32_t day)
{
    const slot_t *s = &m->slot[slot];
    int g = s->gp[0];
    for (int k = 1; k < s->n; k++)
        if (day >= s->from[k])
            g = s->gp[k];
    return g;
}

int model_list_gp(const model *m, const patient_t *p, int32_t day)
{
    int i = seg_at(p, day);
    return i < 0 ? -1 : slot_gp(m, p->seg[i].slot, day);
}

static int active(const staff_t *s, int32_t day)
{
    return s->from <= day && day < s->to;
}

static int pick_role(model *m, patient_t *p, int role, int32_t day)
{
    int n = m->nrole[role];
    for (int tries = 0; tries < 12 && n > 0; tries++) {
        int id = m->by_role[role][rng_int(&p->r, 0, n - 1)];
        if (active(&m->staff[id], day))
            return id;
    }
    for (int i = 0; i < n; i++)
        if (active(&m->staff[m->by_role[role][i]], day))
            return m->by_role[role][i];
    return -1;
}

static int pick_staff(model *m, patient_t *p, int role, int32_t day)
{
    if (role == ROLE_GP) {
        int own = model_list_gp(m, p, day);
        if (own >= 0 && rng_bern(&p->r, 0.8))
            return own;
    }
    int id = pick_role(m, p, role, day);
    if (id < 0 && role != ROLE_GP)
        id = pick_role(m, p, ROLE_GP, day);
    if (id < 0)
        id = m->by_role[ROLE_GP][0];
    return id;
}

/* ------------------------------------------------------------ windows */

static int in_win(const patient_t *p, int32_t day)
{
    for (int i = 0; i < p->nwin; i++)
        if (day >= p->win[i].a && day < p->win[i].b)
            return 1;
    return 0;
}

static int32_t obs_end(const patient_t *p)
{
    return p->nwin ? p->win[p->nwin - 1].b : 0;
}

static int32_t obs_start(const patient_t *p)
{
    return p->nwin ? p->win[0].a : DAY_NONE;
}

/* Calls fn for every piece of a calendar year inside the windows. */
typedef void (*piece_fn)(model *m, patient_t *p, int32_t a, int32_t b, void *arg);

static void each_piece(model *m, patient_t *p, piece_fn fn, void *arg)
{
    for (int w = 0; w < p->nwin; w++) {
        int32_t a = p->win[w].a;
        while (a < p->win[w].b) {
            int32_t ny = day_from_ymd(day_year(a) + 1, 1, 1);
            int32_t b = min32(ny, p->win[w].b);
            fn(m, p, a, b, arg);
            a = b;
        }
    }
}

/* ---------------------------------------------------------- encounters */

/* Adds an encounter on the first weekday on or after day; returns its
 * index or -1 when that day is outside the patient's windows. Never hold
 * an enc_t pointer across calls: the array may move. */
static int enc_add(model *m, patient_t *p, int32_t day, int kind, int purpose, int role)
{
    day = weekday_adjust(day);
    if (!in_win(p, day))
        return -1;
    if (grow((void **)&p->enc, &p->capenc, p->nenc + 1, sizeof *p->enc) != 0) {
        m->oom = 1;
        return -1;
    }
    enc_t *e = &p->enc[p->nenc];
    memset(e, 0, sizeof *e);
    e->day = day;
    e->seq = (uint32_t)p->nenc;
    e->kind = (uint8_t)kind;
    e->purpose = (uint8_t)purpose;
    e->drug = -1;
    e->staff = pick_staff(m, p, role, day);
    int lo = kind == K_ADMIN ? 7 * 12 : 8 * 12, hi = kind == K_PHONE ? 15 * 12 + 6 : 15 * 12 + 9;
    e->sec = rng_int(&p->r, lo, hi) * 300;
    return p->nenc++;
}

static void enc_fee(enc_t *e, const char *code)
{
    if (e->nfee < MAX_FEE)
        e->fee[e->nfee++] = code;
}

static int staff_icd(const model *m, const enc_t *e)
{
    return m->staff[e->staff].icd_user;
}

static void enc_dx(enc_t *e, const char *code, int icd)
{
    if (e->ndx < MAX_DX) {
        e->dx[e->ndx].code = code;
        e->dx[e->ndx].icd = (uint8_t)icd;
        e->ndx++;
    }
}

/* A chronic condition's code on a contact: ICPC-2, or ICD-10 by the few
 * GPs who code in ICD-10 (always ICD-10 for kidney disease then). */
static void enc_cond_dx(model *m, patient_t *p, enc_t *e, int c)
{
    const cond_def *cd = &synth_conds[c];
    if (c == C_CANCER) {
        const cancer_def *k = &synth_cancers[p->cancer_site];
        if (staff_icd(m, e) && rng_bern(&p->r, 0.25))
            enc_dx(e, k->icd, 1);
        else
            enc_dx(e, k->icpc, 0);
        return;
    }
    if ((staff_icd(m, e) && rng_bern(&p->r, 0.25)) || (c == C_CKD && rng_bern(&p->r, 0.15))) {
        enc_dx(e, cd->icd[0], 1);
        return;
    }
    int n = cd->icpc[2] ? 3 : cd->icpc[1] ? 2 : 1;
    int k = 0;
    if (n > 1 && rng_bern(&p->r, 0.25))
        k = rng_int(&p->r, 1, n - 1);
    if (c == C_IHD && k == 2)
        k = 1;      /* K75 is for the acute event */
    enc_dx(e, cd->icpc[k], 0);
}

static void enc_lab(enc_t *e, int test, double v, int text)
{
    if (e->nlab < MAX_LAB) {
        e->lab[e->nlab].test = (uint8_t)test;
        e->lab[e->nlab].text = (uint8_t)text;
        e->lab[e->nlab].v = v;
        e->nlab++;
    }
}

static int is_gp(const model *m, const enc_t *e)
{
    return m->staff[e->staff].role == ROLE_GP;
}

/* Fees a GP bills for the kind of contact. */
static void bill_kind(model *m, patient_t *p, enc_t *e)
{
    if (!is_gp(m, e)) {
        if (e->nlab && e->kind == K_CONSULT)
            enc_fee(e, "701a");
        return;
    }
    switch (e->kind) {
    case K_CONSULT:
    case K_VIDEO:
        enc_fee(e, "2ad");
        if (rng_bern(&p->r, 0.12))
            enc_fee(e, "2dd");
        if (e->nlab && e->kind == K_CONSULT)
            enc_fee(e, "701a");
        break;
    case K_HOME:
        enc_fee(e, "11ad");
        break;
    case K_ECONS:
        enc_fee(e, "2ae");
        break;
    case K_PHONE:
        if (rng_bern(&p->r, 0.85))
            enc_fee(e, "1ad");
        break;
    case K_LETTER:
        if (rng_bern(&p->r, 0.25))
            enc_fee(e, "1ad");
        break;
    default:
        break;
    }
}

static int face_kind(model *m, patient_t *p, int32_t d)
{
    double v = d >= m->d_covid ? 0.10 : 0;
    return rng_bern(&p->r, v) ? K_VIDEO : K_CONSULT;
}

static double nurse_share(const model *m, int32_t d, double before, double after)
{
    return d >= m->team ? after : before;
}

/* ------------------------------------------------------ lab values */

static double r0(double x) { return round(x); }
static double r1(double x) { return round(x * 10) / 10; }
static double r2(double x) { return round(x * 100) / 100; }

static int has(const patient_t *p, int c, int32_t d)
{
    return p->onset[c] != DAY_NONE && p->onset[c] <= d;
}

static int diabetic(const patient_t *p, int32_t d)
{
    return has(p, C_DM2, d) || has(p, C_DM1, d);
}

static int on_drug_class(const patient_t *p, const char *prefix, int32_t d)
{
    size_t n = strlen(prefix);
    for (int i = 0; i < p->nmed; i++) {
        const med_t *md = &p->med[i];
        if (md->drug >= 0 && md->use == U_REGULAR && !md->dropped && md->start <= d && d < md->stop &&
            strncmp(synth_drugs[md->drug].atc, prefix, n) == 0)
            return 1;
    }
    return 0;
}

static void lab_hba1c(model *m, patient_t *p, enc_t *e)
{
    double v = diabetic(p, e->day) ? p->hba1c + 4 * rng_norm(&p->r)
                                   : 34 + 3 * rng_norm(&p->r);
    v = clampd(v, 25, 140);
    if (e->day < m->d_hba1c_pct && rng_bern(&p->r, 0.15))
        enc_lab(e, LAB_HBA1C_PCT, r1((v + 23.5) / 10.93), 0);
    else
        enc_lab(e, LAB_HBA1C, r0(v), 0);
}

static void lab_uacr(patient_t *p, enc_t *e)
{
    double v = p->uacr * exp(0.35 * rng_norm(&p->r));
    if (v < 3 && rng_bern(&p->r, 0.08))
        enc_lab(e, LAB_UACR, 0, TXT_LT3);
    else if (v >= 3 && rng_bern(&p->r, 0.03))
        enc_lab(e, LAB_UACR, 0, TXT_POS);
    else
        enc_lab(e, LAB_UACR, r1(clampd(v, 0.1, 300)), 0);
}

static void lab_crea(patient_t *p, enc_t *e)
{
    double base = has(p, C_CKD, e->day) ? p->crea_ckd : p->crea;
    enc_lab(e, LAB_CREA, r0(clampd(base + 6 * rng_norm(&p->r), 35, 600)), 0);
}

static void lab_ldl(patient_t *p, enc_t *e)
{
    double f = on_drug_class(p, "C10", e->day) ? 0.62 : 1.0;
    enc_lab(e, LAB_LDL, r1(clampd(p->ldl * f + 0.3 * rng_norm(&p->r), 0.5, 8)), 0);
}

static void lab_tsh(patient_t *p, enc_t *e)
{
    double v = p->tsh * exp(0.25 * rng_norm(&p->r));
    if (has(p, C_HYPOTHY, e->day))
        v *= exp(0.5 * rng_norm(&p->r));
    enc_lab(e, LAB_TSH, r2(clampd(v, 0.01, 60)), 0);
}

static void lab_hb(patient_t *p, enc_t *e)
{
    enc_lab(e, LAB_HB, r1(clampd(p->hb + 0.4 * rng_norm(&p->r), 7, 19)), 0);
}

static void lab_crp(patient_t *p, enc_t *e)
{
    double v = exp(log(12) + 1.2 * rng_norm(&p->r));
    if (v < 5 && rng_bern(&p->r, 0.5))
        enc_lab(e, LAB_CRP, 0, TXT_LT5);
    else
        enc_lab(e, LAB_CRP, r0(clampd(v, 1, 350)), 0);
}

static void take_bp(patient_t *p, enc_t *e)
{
    int age = age_at(p->birth, e->day);
    double s = p->sbp + 0.45 * (age > 30 ? age - 30 : 0);
    if (has(p, C_HT, e->day))
        s += 8;
    s += 8 * rng_norm(&p->r);
    double dia = 0.42 * s + 24 - 0.12 * (age > 60 ? age - 60 : 0) + 6 * rng_norm(&p->r);
    e->bp = 1;
    e->sys = (int16_t)lround(clampd(s, 85, 230));
    e->dia = (int16_t)lround(clampd(dia, 45, 130));
    if (e->dia >= e->sys - 15)
        e->dia = (int16_t)(e->sys - 20);
}

/* --------------------------------------------------------- medications */

/* Adds a medication-list row; returns its index or -1 if it would not be
 * on this office's list (starts after the patient's last day here). */
static int med_add(model *m, patient_t *p, int drug, int use, int32_t start, int32_t stop)
{
    if (drug >= 0) {
        int fy = synth_drugs[drug].first_year;
        if (fy && day_year(start) < fy)
            start = day_from_ymd(fy, 1, 1) + rng_int(&p->r, 0, 364);
    }
    if (start < p->birth)
        start = p->birth;
    if (start > m->T || start >= obs_end(p))
        return -1;
    if (stop != DAY_NONE && stop <= start)
        stop = start + 1;
    if (stop != DAY_NONE && stop <= obs_start(p))
        return -1;          /* ended before the record here began */
    if (grow((void **)&p->med, &p->capmed, p->nmed + 1, sizeof *p->med) != 0) {
        m->oom = 1;
        return -1;
    }
    med_t *md = &p->med[p->nmed];
    memset(md, 0, sizeof *md);
    md->drug = drug;
    md->use = (uint8_t)use;
    md->start = start;
    md->stop = stop;
    return p->nmed++;
}

static int32_t life_stop(patient_t *p, int32_t start, double mean_years)
{
    double y = -log(1 - rng_unif(&p->r)) * mean_years;
    return start + years_days(y);
}

/* A regular drug: a row per period between dose changes, each continued
 * by a new row with probability 0.7 (treatment goes on), so long-term
 * treatment persists while rows still start and stop. */
static int med_regular(model *m, patient_t *p, int drug, int32_t start, double mean_years)
{
    int first = -1;
    for (int k = 0; k < 6; k++) {
        int32_t stop = life_stop(p, start, mean_years);
        int i = med_add(m, p, drug, U_REGULAR, start, stop);
        if (first < 0)
            first = i;
        if (stop > m->T || !rng_bern(&p->r, 0.7))
            break;
        start = stop;
    }
    return first;
}

/* A prescription issued on day (if the patient is here then). */
static void rx_add(model *m, patient_t *p, int32_t day, int drug, int med, double units)
{
    day = weekday_adjust(day);
    if (!in_win(p, day) || day > m->T)
        return;
    if (grow((void **)&p->rx, &p->caprx, p->nrx + 1, sizeof *p->rx) != 0) {
        m->oom = 1;
        return;
    }
    rx_t *x = &p->rx[p->nrx++];
    x->day = day;
    x->drug = drug;
    x->med = med;
    x->units = units;
    x->staff = pick_staff(m, p, ROLE_GP, day);
    x->seq = (uint32_t)p->nrx;
}

static double units_for(int drug, double days)
{
    const drug_def *d = &synth_drugs[drug];
    double packs = ceil(days * d->per_day / d->pack - 1e-9);
    if (packs < 1)
        packs = 1;
    return packs * d->pack;
}

/* A course (kur): medication row (usually) and one prescription. */
static void course(model *m, patient_t *p, int drug, int32_t day, int days, double units)
{
    int med = -1;
    day = weekday_adjust(day);
    if (rng_bern(&p->r, 0.65))
        med = med_add(m, p, drug, U_COURSE, day, day + days);
    rx_add(m, p, day, drug, med, units);
}

static int regular_count(const patient_t *p, int32_t d)
{
    int n = 0;
    for (int i = 0; i < p->nmed; i++) {
        const med_t *a = &p->med[i];
        if (a->use != U_REGULAR || a->dropped || a->start > d || d >= a->stop)
            continue;
        int dup = 0;
        for (int j = 0; j < i && a->drug >= 0; j++) {
            const med_t *b = &p->med[j];
            if (b->drug == a->drug && b->use == U_REGULAR && !b->dropped && b->start <= d && d < b->stop)
                dup = 1;
        }
        n += !dup;
    }
    return n;
}

static int pick_of(rng_t *r, const int *drugs, const double *w, int n)
{
    return drugs[rng_pick(r, w, n)];
}

static void regimen_dm(model *m, patient_t *p, int c, int32_t on)
{
    rng_t *r = &p->r;
    int age = age_at(p->birth, on);
    if (c == C_DM1) {
        med_regular(m, p, D_GLARGINE, on, 80);
        med_regular(m, p, D_ASPART, on, 80);
        if (rng_bern(r, age > 40 ? 0.5 : 0.15))
            med_regular(m, p, D_ATORVASTATIN, on + rng_int(r, 365, 10 * 365), 25);
        return;
    }
    if (rng_bern(r, 0.85))
        med_regular(m, p, D_METFORMIN, on + rng_int(r, 0, 60), 20);
    if (rng_bern(r, 0.40)) {
        static const int second[] = {D_SITAGLIPTIN, D_DAPAGLIFLOZIN, D_EMPAGLIFLOZIN, D_SEMAGLUTIDE};
        static const double w[] = {3, 2, 2, 2};
        med_regular(m, p, pick_of(r, second, w, 4), on + rng_int(r, 365, 8 * 365), 12);
    }
    if (rng_bern(r, 0.12))
        med_regular(m, p, D_GLARGINE, on + rng_int(r, 3 * 365, 10 * 365), 30);
    if (rng_bern(r, age >= 40 ? 0.72 : 0.3)) {
        static const int st[] = {D_ATORVASTATIN, D_SIMVASTATIN, D_ROSUVASTATIN};
        static const double w[] = {6, 3, 1};
        med_regular(m, p, pick_of(r, st, w, 3), on + rng_int(r, 0, 400), 25);
    }
    if (rng_bern(r, 0.35))
        med_regular(m, p, rng_bern(r, 0.6) ? D_LOSARTAN : D_RAMIPRIL, on + rng_int(r, 0, 1500), 25);
}

static void regimen_ht(model *m, patient_t *p, int32_t on)
{
    rng_t *r = &p->r;
    static const int first[] = {D_AMLODIPINE, D_LOSARTAN, D_RAMIPRIL, D_LOSARTAN_HCT, D_HCT, D_CANDESARTAN};
    static const double w[] = {35, 28, 12, 12, 5, 8};
    if (!rng_bern(r, 0.85))
        return;
    int a = pick_of(r, first, w, 6);
    med_regular(m, p, a, on + rng_int(r, 0, 90), 30);
    if (rng_bern(r, 0.45)) {
        int b = pick_of(r, first, w, 6);
        if (b != a)
            med_regular(m, p, b, on + rng_int(r, 365, 4 * 365), 25);
    }
    if (rng_bern(r, 0.12))
        med_regular(m, p, D_HCT, on + rng_int(r, 2 * 365, 6 * 365), 20);
}

static void regimen_ihd(model *m, patient_t *p, int32_t on)
{
    rng_t *r = &p->r;
    if (rng_bern(r, 0.85))
        med_regular(m, p, D_ASA, on, 30);
    if (rng_bern(r, 0.85)) {
        static const int st[] = {D_ATORVASTATIN, D_SIMVASTATIN, D_ROSUVASTATIN, D_EZE_SIMVA};
        static const double w[] = {60, 25, 10, 5};
        med_regular(m, p, pick_of(r, st, w, 4), on + rng_int(r, 0, 30), 25);
    }
    if (rng_bern(r, 0.68))
        med_regular(m, p, rng_bern(r, 0.7) ? D_METOPROLOL : D_BISOPROLOL, on + rng_int(r, 0, 60), 20);
    if (rng_bern(r, 0.5))
        med_add(m, p, D_NITRO, U_AS_NEEDED, on, life_stop(p, on, 10));
}

static void regimen_hf(model *m, patient_t *p, int32_t on)
{
    rng_t *r = &p->r;
    if (rng_bern(r, 0.8))
        med_regular(m, p, D_FUROSEMIDE, on, 30);
    if (rng_bern(r, 0.7))
        med_regular(m, p, D_BISOPROLOL, on + rng_int(r, 0, 60), 30);
    if (day_year(on) >= 2017 && rng_bern(r, 0.3))
        med_regular(m, p, D_ENTRESTO, on + rng_int(r, 30, 400), 30);
    else if (rng_bern(r, 0.6))
        med_regular(m, p, rng_bern(r, 0.5) ? D_RAMIPRIL : D_LOSARTAN, on + rng_int(r, 0, 60), 30);
    if (rng_bern(r, 0.35))
        med_regular(m, p, D_SPIRONOLACTONE, on + rng_int(r, 30, 700), 20);
}

static void regimen_af(model *m, patient_t *p, int32_t on)
{
    rng_t *r = &p->r;
    if (rng_bern(r, 0.85)) {
        int32_t apix = day_from_ymd(2013, 6, 1);
        if (on < apix) {
            int32_t sw = apix + rng_int(r, 0, 5 * 365);
            if (rng_bern(r, 0.6)) {
                med_add(m, p, D_WARFARIN, U_REGULAR, on, sw);
                med_regular(m, p, D_APIXABAN, sw, 30);
            } else {
                med_regular(m, p, D_WARFARIN, on, 30);
            }
        } else {
            med_regular(m, p, D_APIXABAN, on, 30);
        }
    }
    if (rng_bern(r, 0.5))
        med_regular(m, p, D_METOPROLOL, on, 25);
}

static void regimen_copd(model *m, patient_t *p, int32_t on)
{
    rng_t *r = &p->r;
    if (rng_bern(r, 0.7))
        med_regular(m, p, D_TIOTROPIUM, on + rng_int(r, 0, 200), 30);
    if (rng_bern(r, 0.4))
        med_regular(m, p, D_SALM_FLUT, on + rng_int(r, 100, 1500), 25);
    if (rng_bern(r, 0.85))
        med_add(m, p, D_SALBUTAMOL, U_AS_NEEDED, on, DAY_NONE);
    if (rng_bern(r, 0.04))
        med_regular(m, p, D_PREDNISOLONE, on + rng_int(r, 365, 2000), 15);
}

static void regimen_dementia(model *m, patient_t *p, int32_t on)
{
    rng_t *r = &p->r;
    if (rng_bern(r, 0.4))
        med_regular(m, p, D_DONEPEZIL, on + rng_int(r, 30, 200), 3);
    if (rng_bern(r, 0.15))
        med_regular(m, p, D_MEMANTINE, on + rng_int(r, 365, 1500), 3);
    if (rng_bern(r, 0.15))
        med_regular(m, p, D_RISPERIDONE, on + rng_int(r, 200, 1500), 2);
    if (rng_bern(r, 0.10))
        med_regular(m, p, D_QUETIAPINE, on + rng_int(r, 200, 1500), 2);
    if (rng_bern(r, 0.10))
        med_regular(m, p, D_OXAZEPAM, on + rng_int(r, 100, 1500), 3);
    if (rng_bern(r, 0.05))
        med_regular(m, p, D_LEVOMEPROMAZINE, on + rng_int(r, 300, 1500), 2);
}

static void regimen_pain(model *m, patient_t *p, int c, int32_t on)
{
    rng_t *r = &p->r;
    int old = age_at(p->birth, on) >= 70;
    if (rng_bern(r, c == C_OA ? 0.35 : 0.3))
        med_regular(m, p, D_PARACETAMOL, on + rng_int(r, 0, 700), 10);
    if (rng_bern(r, 0.3)) {
        static const int ns[] = {D_IBUPROFEN, D_NAPROXEN, D_DICLOFENAC};
        static const double w[] = {5, 3, 2};
        med_add(m, p, pick_of(r, ns, w, 3), U_AS_NEEDED, on + rng_int(r, 0, 700), life_stop(p, on, 4));
    }
    if (rng_bern(r, c == C_CHRPAIN ? 0.15 : 0.07))
        med_add(m, p, D_CODEINE_PARA, U_AS_NEEDED, on + rng_int(r, 0, 900), life_stop(p, on, 5));
    if (rng_bern(r, c == C_CHRPAIN ? 0.12 : 0.05))
        med_regular(m, p, D_TRAMADOL, on + rng_int(r, 0, 900), 4);
    if (rng_bern(r, old ? 0.04 : 0.02))
        med_regular(m, p, rng_bern(r, 0.5) ? D_OXYCODONE : D_OXY_NALOXONE, on + rng_int(r, 200, 2000), 4);
    if (old && rng_bern(r, 0.03))
        med_regular(m, p, D_BUPRENORPHINE, on + rng_int(r, 200, 2000), 4);
    if (c == C_CHRPAIN) {
        if (rng_bern(r, 0.2))
            med_regular(m, p, D_PREGABALIN, on + rng_int(r, 0, 700), 5);
        if (rng_bern(r, 0.08))
            med_regular(m, p, D_GABAPENTIN, on + rng_int(r, 0, 700), 5);
        if (rng_bern(r, 0.15))
            med_regular(m, p, D_AMITRIPTYLINE, on + rng_int(r, 0, 700), 6);
    }
}

static void regimen_sleep(model *m, patient_t *p, int32_t on)
{
    rng_t *r = &p->r;
    int old = age_at(p->birth, on) >= 65;
    double u = rng_unif(r);
    if (u < 0.35)
        med_add(m, p, rng_bern(r, 0.85) ? D_ZOPICLONE : D_ZOLPIDEM, U_AS_NEEDED, on, life_stop(p, on, 4));
    else if (u < (old ? 0.55 : 0.42))
        med_regular(m, p, D_ZOPICLONE, on, 6);
    if (rng_bern(r, 0.15))
        med_regular(m, p, D_MELATONIN, on + rng_int(r, 0, 400), 3);
    if (rng_bern(r, 0.10))
        med_regular(m, p, D_MIRTAZAPINE, on + rng_int(r, 0, 400), 5);
    if (old && rng_bern(r, 0.12))
        med_regular(m, p, D_ALIMEMAZINE, on + rng_int(r, 0, 400), 5);
    if (old && rng_bern(r, 0.04))
        med_regular(m, p, D_NITRAZEPAM, on + rng_int(r, 0, 400), 6);
    if (!old && rng_bern(r, 0.05))
        med_add(m, p, D_PROMETHAZINE, U_AS_NEEDED, on, life_stop(p, on, 3));
}

static void regimen_misc(model *m, patient_t *p, int c, int32_t on)
{
    rng_t *r = &p->r;
    switch (c) {
    case C_STROKE:
        if (rng_bern(r, 0.8))
            med_regular(m, p, day_year(on) >= 2014 && rng_bern(r, 0.6) ? D_CLOPIDOGREL : D_ASA, on, 30);
        if (rng_bern(r, 0.8))
            med_regular(m, p, D_ATORVASTATIN, on, 25);
        break;
    case C_CKD:
        if (rng_bern(r, 0.2))
            med_regular(m, p, D_FUROSEMIDE, on + rng_int(r, 0, 1000), 20);
        break;
    case C_ASTHMA:
        if (rng_bern(r, 0.55))
            med_regular(m, p, D_BUD_FORM, on + rng_int(r, 0, 300), 8);
        if (rng_bern(r, 0.8))
            med_add(m, p, D_SALBUTAMOL, U_AS_NEEDED, on, life_stop(p, on, 12));
        break;
    case C_OSTEOP:
        if (rng_bern(r, 0.6))
            med_add(m, p, D_ALENDRONATE, U_REGULAR, on, on + rng_int(r, 3 * 365, 8 * 365));
        if (rng_bern(r, 0.6))
            med_regular(m, p, D_VITAMIN_D, on, 20);
        if (rng_bern(r, 0.4))
            med_regular(m, p, D_CALCIUM, on, 15);
        break;
    case C_CANCER: {
        const cancer_def *k = &synth_cancers[p->cancer_site];
        if (strcmp(k->icpc, "X76") == 0 && rng_bern(r, 0.6))
            med_add(m, p, rng_bern(r, 0.5) ? D_TAMOXIFEN : D_LETROZOLE, U_REGULAR,
                    on + rng_int(r, 60, 200), on + 5 * 365 + rng_int(r, 0, 200));
        if (strcmp(k->icpc, "Y77") == 0 && rng_bern(r, 0.3))
            med_regular(m, p, D_BICALUTAMIDE, on + rng_int(r, 30, 400), 5);
        break;
    }
    case C_PARK:
        if (rng_bern(r, 0.9))
            med_regular(m, p, D_MADOPAR, on + rng_int(r, 0, 100), 50);
        if (rng_bern(r, 0.4))
            med_regular(m, p, D_PRAMIPEXOLE, on + rng_int(r, 0, 700), 30);
        break;
    case C_EPI: {
        static const int ae[] = {D_LAMOTRIGINE, D_LEVETIRACETAM, D_VALPROATE, D_CLONAZEPAM};
        static const double w[] = {40, 35, 15, 5};
        if (rng_bern(r, 0.85))
            med_regular(m, p, pick_of(r, ae, w, 4), on, 40);
        break;
    }
    case C_HYPOTHY:
        if (rng_bern(r, 0.95))
            med_regular(m, p, D_LEVOTHYROXINE, on + rng_int(r, 0, 30), 80);
        break;
    case C_ADHD:
        if (rng_bern(r, 0.75))
            med_regular(m, p, rng_bern(r, 0.7) ? D_METHYLPHENIDATE : D_LISDEXAMFETAMINE,
                        on + rng_int(r, 30, 200), 6);
        break;
    case C_BPH:
        if (rng_bern(r, 0.7))
            med_regular(m, p, D_TAMSULOSIN, on, 25);
        if (rng_bern(r, 0.25))
            med_regular(m, p, D_FINASTERIDE, on + rng_int(r, 0, 700), 25);
        break;
    case C_GERD: {
        int d = rng_bern(r, 0.6) ? D_PANTOPRAZOLE : D_OMEPRAZOLE;
        double u = rng_unif(r);
        if (u < 0.5)
            med_regular(m, p, d, on, 12);
        else if (u < 0.8)
            med_add(m, p, d, U_AS_NEEDED, on, life_stop(p, on, 6));
        break;
    }
    case C_GOUT:
        if (rng_bern(r, 0.6))
            med_regular(m, p, D_ALLOPURINOL, on + rng_int(r, 30, 700), 30);
        break;
    case C_MIGRAINE:
        if (rng_bern(r, 0.5))
            med_add(m, p, D_SUMATRIPTAN, U_AS_NEEDED, on, life_stop(p, on, 10));
        break;
    case C_ALLERGY:
        if (rng_bern(r, 0.4))
            med_add(m, p, D_CETIRIZINE, U_AS_NEEDED, on, DAY_NONE);
        break;
    case C_PSYCHOSIS: {
        static const int ap[] = {D_OLANZAPINE, D_QUETIAPINE, D_RISPERIDONE};
        static const double w[] = {5, 3, 2};
        med_regular(m, p, pick_of(r, ap, w, 3), on + rng_int(r, 0, 100), 40);
        break;
    }
    default:
        break;
    }
}

static void regimens(model *m, patient_t *p)
{
    for (int c = 0; c < C_COUNT; c++) {
        int32_t on = p->onset[c];
        if (on == DAY_NONE || on > m->T)
            continue;
        switch (c) {
        case C_DM1:
        case C_DM2:
            regimen_dm(m, p, c, on);
            break;
        case C_HT:
            regimen_ht(m, p, on);
            break;
        case C_IHD:
            regimen_ihd(m, p, on);
            break;
        case C_HF:
            regimen_hf(m, p, on);
            break;
        case C_AF:
            regimen_af(m, p, on);
            break;
        case C_COPD:
            regimen_copd(m, p, on);
            break;
        case C_DEMENTIA:
            regimen_dementia(m, p, on);
            break;
        case C_OA:
        case C_CHRPAIN:
            regimen_pain(m, p, c, on);
            break;
        case C_INSOMNIA:
            regimen_sleep(m, p, on);
            break;
        default:
            regimen_misc(m, p, c, on);
            break;
        }
    }
}

/* Drugs of old age not tied to one condition, contraception, and the odd
 * free-text entry (dirt). */
static void general_meds(model *m, patient_t *p)
{
    rng_t *r = &p->r;
    static const int extra[] = {
        D_PANTOPRAZOLE, D_PARACETAMOL, D_VITAMIN_D, D_B12, D_MACROGOL, D_FERROUS,
        D_ALIMEMAZINE, D_ZOPICLONE, D_FUROSEMIDE, D_MIRTAZAPINE, D_CALCIUM,
        D_OXAZEPAM, D_CETIRIZINE, D_ASA};
    static const double w[] = {14, 12, 12, 6, 8, 4, 3, 4, 4, 3, 4, 2, 2, 5};
    int32_t end = min32(obs_end(p), m->T);
    int age_end = age_at(p->birth, end);
    int32_t a55 = p->birth + years_days(55), a65 = p->birth + years_days(65);
    /* Primary prevention: statins and (older habit) low-dose aspirin. */
    if (age_end >= 55 && rng_bern(r, clampd(0.012 * (age_end - 55), 0, 0.3) * exp(0.5 * p->z[F_CARDIO]))) {
        int32_t start = a55 + rng_int(r, 0, max32(1, end - a55));
        med_regular(m, p, rng_bern(r, 0.6) ? D_ATORVASTATIN : D_SIMVASTATIN, start, 25);
    }
    if (age_end >= 60 && rng_bern(r, 0.08))
        med_add(m, p, D_ASA, U_REGULAR, a55 + rng_int(r, 0, max32(1, end - a55)),
                m->F + rng_int(r, 0, 8 * 365));
    if (age_end >= 65) {
        double lam = clampd(0.3 + 0.12 * (age_end - 65), 0, 3.5) * exp(0.45 * p->z[F_FRAIL] - 0.1);
        int n = rng_poisson(r, lam);
        for (int i = 0; i < n; i++) {
            int32_t start = a65 + rng_int(r, 0, max32(1, end - a65));
            med_regular(m, p, pick_of(r, extra, w, 14), start, 10);
        }
    }
    if (!p->sex && rng_bern(r, 0.3)) {
        int32_t start = p->birth + years_days(16 + 9 * rng_unif(r));
        med_add(m, p, D_CONTRACEPTIVE, U_REGULAR, start, start + rng_int(r, 365, 10 * 365));
    }
    if (rng_bern(&p->rd, m->o->dirt * 5)) {
        int32_t start = obs_start(p) + rng_int(&p->rd, 0, 2000);
        int i = med_add(m, p, -1, rng_bern(&p->rd, 0.6) ? U_REGULAR : U_AS_NEEDED, start, DAY_NONE);
        if (i >= 0)
            p->med[i].free = synth_freetext[rng_int(&p->rd, 0, synth_nfreetext - 1)];
    }
}

/* Prescriptions issued for the medication list over the windows. */
static void prescriptions(model *m, patient_t *p)
{
    int nmed = p->nmed;
    for (int i = 0; i < nmed; i++) {
        const med_t md = p->med[i];
        if (md.drug < 0 || md.dropped)
            continue;
        const drug_def *d = &synth_drugs[md.drug];
        int addictive = d->group == 'A' || d->group == 'B';
        int32_t end = min32(md.stop, m->T + 1);
        int link = rng_bern(&p->r, 0.97) ? i : -1;
        if (md.use == U_COURSE)
            continue;               /* issued with the course */
        if (md.use == U_AS_NEEDED) {
            double rate = addictive ? 3.0 : 1.0;
            if (md.start >= m->F)
                rx_add(m, p, md.start, md.drug, link, d->pack);
            int32_t a = max32(md.start + 1, m->F);
            if (end <= a)
                continue;
            int n = rng_poisson(&p->r, rate * (end - a) / 365.25);
            for (int k = 0; k < n; k++)
                rx_add(m, p, a + rng_int(&p->r, 0, end - a - 1), md.drug, link, d->pack);
            continue;
        }
        int interval = addictive ? rng_int(&p->r, 30, 60)
                     : strncmp(d->atc, "N06A", 4) == 0 ? 90
                     : rng_bern(&p->r, 0.2) ? 90 : 365;
        int32_t t = md.start >= m->F ? md.start : m->F + rng_int(&p->r, 0, interval - 1);
        int first = 1;
        while (t < end) {
            int days = interval + rng_int(&p->r, -10, 20);
            rx_add(m, p, t, md.drug, link, units_for(md.drug, days));
            if (!first && rng_bern(&p->r, 0.3) && !addictive) {
                int e = enc_add(m, p, t, K_ADMIN, PU_RENEW, ROLE_GP);
                if (e >= 0)
                    p->enc[e].note = rng_bern(&p->r, 0.3) ? NOTE_PLAIN : NOTE_NONE;
            }
            first = 0;
            t += days;
        }
    }
}

/* ------------------------------------------------------------ contacts */

static int pick_kind(model *m, patient_t *p, int32_t d, int age)
{
    double ec = 0, vid = 0;
    if (d >= m->d_econs) {
        ec = 0.10 * (d - m->d_econs) / (double)(m->d_covid - m->d_econs);
        if (ec > 0.10)
            ec = d >= m->d_covid ? 0.16 : 0.10;
    }
    if (d >= m->d_covid)
        vid = d < m->d_covid + 300 ? 0.08 : 0.035;
    double w[K_COUNT] = {0};
    w[K_CONSULT] = 0.60 - ec - vid;
    w[K_HOME] = age >= 80 ? 0.04 : age >= 65 ? 0.008 : 0.001;
    w[K_VIDEO] = vid;
    w[K_ECONS] = ec * (age >= 80 ? 0.3 : 1);
    w[K_PHONE] = 0.17;
    w[K_LETTER] = 0.06;
    w[K_MEETING] = (age >= 75 || age < 10) ? 0.02 : 0.004;
    w[K_ADMIN] = 0.06;
    return rng_pick(&p->r, w, K_COUNT);
}

static int role_for_kind(model *m, patient_t *p, int kind, int32_t d)
{
    rng_t *r = &p->r;
    switch (kind) {
    case K_CONSULT:
        return rng_bern(r, nurse_share(m, d, 0.12, 0.24)) ? ROLE_NURSE : ROLE_GP;
    case K_PHONE:
        return rng_bern(r, nurse_share(m, d, 0.25, 0.40)) ? ROLE_NURSE : ROLE_GP;
    case K_HOME:
    case K_MEETING:
        return rng_bern(r, 0.3) ? ROLE_NURSE : ROLE_GP;
    case K_ADMIN: {
        double u = rng_unif(r);
        return u < 0.5 ? ROLE_SECRETARY : u < 0.8 ? ROLE_GP : u < 0.95 ? ROLE_NURSE : ROLE_OTHER;
    }
    default:
        return ROLE_GP;
    }
}

static int pick_acute(patient_t *p, int age)
{
    double w[64];
    int band = age < 16 ? 0 : age < 65 ? 1 : 2;
    for (int i = 0; i < synth_nacute && i < 64; i++) {
        const acute_def *a = &synth_acute[i];
        double x = a->w[band];
        if ((a->sex == 1 && p->sex) || (a->sex == 2 && !p->sex))
            x = a->sex == 1 && !strcmp(a->code, "U71") ? x * 0.15 : 0;
        if (!strcmp(a->code, "W78") && (age < 18 || age > 44))
            x = 0;
        if (!strcmp(a->code, "W11") && (age < 15 || age > 49))
            x = 0;
        w[i] = x;
    }
    return rng_pick(&p->r, w, synth_nacute < 64 ? synth_nacute : 64);
}

/* Drugs for an acute problem: antibiotics, painkillers, hypnotics. */
static void acute_treatment(model *m, patient_t *p, const char *code, int32_t d)
{
    rng_t *r = &p->r;
    if (!strcmp(code, "R76") && rng_bern(r, 0.55))
        course(m, p, D_PENV, d, 10, 40);
    else if (!strcmp(code, "R81") && rng_bern(r, 0.85))
        course(m, p, rng_bern(r, 0.6) ? D_PENV : D_AMOXICILLIN, d, 7, 30);
    else if (!strcmp(code, "U71") && rng_bern(r, 0.8))
        course(m, p, rng_bern(r, 0.65) ? D_PIVMECILLINAM : D_NITROFURANTOIN, d, 5, 15);
    else if (!strcmp(code, "H71") && rng_bern(r, 0.35))
        course(m, p, D_PENV, d, 5, 20);
    else if (!strcmp(code, "R78") && rng_bern(r, 0.15))
        course(m, p, D_DOXYCYCLINE, d, 7, 8);
    else if ((!strcmp(code, "L03") || !strcmp(code, "L84") || !strcmp(code, "L86") ||
              !strcmp(code, "L92") || !strcmp(code, "L81"))) {
        double u = rng_unif(r);
        if (u < 0.3)
            course(m, p, rng_bern(r, 0.6) ? D_IBUPROFEN : D_DICLOFENAC, d, 10, 30);
        else if (u < 0.40)
            course(m, p, D_CODEINE_PARA, d, 7, 20);
        else if (u < 0.45)
            course(m, p, D_TRAMADOL, d, 7, 20);
    } else if (!strcmp(code, "P06") && rng_bern(r, 0.35)) {
        rx_add(m, p, d, D_ZOPICLONE, -1, 10 + 20 * rng_bern(r, 0.5));
    } else if (!strcmp(code, "P02") && rng_bern(r, 0.15)) {
        rx_add(m, p, d, D_OXAZEPAM, -1, 10);
    } else if ((!strcmp(code, "D02") || !strcmp(code, "N01") || !strcmp(code, "L18")) &&
               rng_bern(r, 0.04)) {
        rx_add(m, p, d, D_CODEINE_PARA, -1, 20);
    }
}

static int acute_index(const char *code)
{
    for (int i = 0; i < synth_nacute; i++)
        if (!strcmp(synth_acute[i].code, code))
            return i;
    return 0;
}

static int active_conditions(const patient_t *p, int32_t d, int *out)
{
    int n = 0;
    for (int c = 0; c < C_COUNT; c++)
        if (has(p, c, d))
            out[n++] = c;
    return n;
}

static void base_contact(model *m, patient_t *p, int32_t d)
{
    rng_t *r = &p->r;
    int age = age_at(p->birth, d);
    int kind = pick_kind(m, p, d, age);
    int role = role_for_kind(m, p, kind, d);
    int conds[C_COUNT];
    int nc = active_conditions(p, d, conds);
    int chronic = nc > 0 && rng_bern(r, 0.35);
    int e = enc_add(m, p, d, kind, chronic ? PU_CHRONIC : PU_ACUTE, role);
    if (e < 0)
        return;
    enc_t *x = &p->enc[e];
    int gp = is_gp(m, x);
    int want_dx = gp ? (kind <= K_PHONE ? 1 : rng_bern(r, 0.1))
                     : (kind == K_CONSULT || kind == K_PHONE) && rng_bern(r, 0.4);
    const char *acode = NULL;
    if (kind == K_LETTER) {
        x->purpose = PU_LETTER;
    } else if (kind == K_ADMIN) {
        x->purpose = PU_ADMIN;
    } else if (kind == K_MEETING) {
        x->purpose = PU_MEETING;
    } else if (kind == K_HOME) {
        x->purpose = PU_HOME;
    }
    if (chronic)
        x->cond = (uint8_t)conds[rng_int(r, 0, nc - 1)];
    if (want_dx) {
        if (chronic) {
            enc_cond_dx(m, p, x, x->cond);
        } else {
            int a = pick_acute(p, age);
            x->cond = (uint8_t)a;
            acode = synth_acute[a].code;
            enc_dx(x, acode, 0);
        }
    }
    if (gp && kind == K_CONSULT && acode &&
        (acode[0] == 'R' || !strcmp(acode, "A03")) && rng_bern(r, 0.35))
        lab_crp(p, x);
    if (gp && kind == K_CONSULT && acode && !strcmp(acode, "A04") && rng_bern(r, 0.7)) {
        lab_hb(p, x);
        lab_tsh(p, x);
        if (rng_bern(r, 0.5))
            lab_hba1c(m, p, x);
        if (rng_bern(r, 0.5))
            lab_crea(p, x);
    }
    if (gp && kind == K_CONSULT && age >= 18 && rng_bern(r, age >= 50 ? 0.10 : 0.05)) {
        /* A routine blood panel. */
        if (rng_bern(r, 0.8))
            lab_hb(p, x);
        if (rng_bern(r, 0.6))
            lab_crea(p, x);
        if (rng_bern(r, 0.3))
            lab_ldl(p, x);
        if (rng_bern(r, 0.25))
            lab_tsh(p, x);
        if (rng_bern(r, age >= 40 ? 0.3 : 0.1))
            lab_hba1c(m, p, x);
    }
    if (kind == K_CONSULT && age >= 18 && rng_bern(r, 0.12))
        take_bp(p, x);
    if (gp && kind == K_CONSULT && age >= 18 && age <= 66 && acode &&
        strchr("LPRD", acode[0]) && rng_bern(r, 0.15))
        x->form = FORM_SYKMELDING;
    if (gp && kind == K_CONSULT && age >= 75 && rng_bern(r, 0.04))
        x->form = FORM_FORERKORT;
    else if (gp && kind == K_CONSULT && rng_bern(r, 0.004))
        x->form = FORM_LEGEERKL;
    bill_kind(m, p, x);
    double pn = kind == K_CONSULT || kind == K_HOME || kind == K_VIDEO ? 0.35
              : kind == K_LETTER ? 0.3 : 0.12;
    x->note = rng_bern(r, pn) ? NOTE_PLAIN : NOTE_NONE;
    if (acode && gp)
        acute_treatment(m, p, acode, x->day);
}

static void base_piece(model *m, patient_t *p, int32_t a, int32_t b, void *arg)
{
    (void)arg;
    int mid = a + (b - a) / 2;
    int age = age_at(p->birth, mid);
    static const struct { int to; double f, m; } t[] = {
        {1, 4.0, 4.2}, {5, 2.4, 2.6}, {16, 1.3, 1.3}, {25, 2.3, 1.1}, {45, 2.4, 1.4},
        {65, 2.3, 1.8}, {75, 2.4, 2.2}, {85, 2.8, 2.6}, {200, 3.2, 3.0}};
    double rate = 1;
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
        if (age < t[i].to) {
            rate = p->sex ? t[i].m : t[i].f;
            break;
        }
    int conds[C_COUNT];
    int nc = active_conditions(p, mid, conds);
    rate *= p->util * (1 + 0.12 * nc);
    int n = rng_poisson(&p->r, rate * (b - a) / 365.25);
    for (int k = 0; k < n; k++)
        base_contact(m, p, a + rng_int(&p->r, 0, b - a - 1));
    /* Influenza vaccination by a nurse in the autumn. */
    int y = day_year(a);
    int32_t oct = day_from_ymd(y, 10, 1);
    if (age >= 65 && oct >= a && oct + 60 < b && rng_bern(&p->r, 0.35)) {
        int e = enc_add(m, p, oct + rng_int(&p->r, 0, 55), K_CONSULT, PU_VACCINE, ROLE_NURSE);
        if (e >= 0)
            p->enc[e].note = rng_bern(&p->r, 0.5) ? NOTE_PLAIN : NOTE_NONE;
    }
}

/* A letter from a hospital or specialist: a 'letter' contact and an
 * ICD-10 diagnosis without contact. */
static void letter(model *m, patient_t *p, int32_t d, const char *icd)
{
    int e = enc_add(m, p, d, K_LETTER, PU_LETTER, ROLE_GP);
    if (e < 0)
        return;
    p->enc[e].note = rng_bern(&p->r, 0.5) ? NOTE_PLAIN : NOTE_NONE;
    if (grow((void **)&p->fdx, &p->capfdx, p->nfdx + 1, sizeof *p->fdx) != 0) {
        m->oom = 1;
        return;
    }
    fdx_t *f = &p->fdx[p->nfdx++];
    f->day = p->enc[e].day;
    f->dx.code = icd;
    f->dx.icd = 1;
}

static void problem_list(model *m, patient_t *p, int32_t d, const char *code, int icd)
{
    if (!in_win(p, d))
        return;
    if (grow((void **)&p->fdx, &p->capfdx, p->nfdx + 1, sizeof *p->fdx) != 0) {
        m->oom = 1;
        return;
    }
    fdx_t *f = &p->fdx[p->nfdx++];
    f->day = d;
    f->dx.code = code;
    f->dx.icd = (uint8_t)icd;
}

static const char *cond_icd(const patient_t *p, int c, rng_t *r)
{
    if (c == C_CANCER)
        return synth_cancers[p->cancer_site].icd;
    const cond_def *cd = &synth_conds[c];
    int n = cd->icd[2] ? 3 : cd->icd[1] ? 2 : 1;
    return cd->icd[rng_bern(r, 0.75) ? 0 : rng_int(r, 0, n - 1)];
}

/* A planned control of condition c (GP or nurse). */
static int control(model *m, patient_t *p, int c, int32_t d, double nurse_before, double nurse_after)
{
    rng_t *r = &p->r;
    double u = rng_unif(r);
    int kind = u < 0.78 ? face_kind(m, p, d) : u < 0.93 ? K_PHONE : (d >= m->d_econs ? K_ECONS : K_PHONE);
    int role = rng_bern(r, nurse_share(m, d, nurse_before, nurse_after)) ? ROLE_NURSE : ROLE_GP;
    if (kind == K_ECONS)
        role = ROLE_GP;
    int e = enc_add(m, p, d, kind, PU_CHRONIC, role);
    if (e < 0)
        return -1;
    enc_t *x = &p->enc[e];
    x->cond = (uint8_t)c;
    if (is_gp(m, x) || rng_bern(r, 0.6))
        enc_cond_dx(m, p, x, c);
    if (kind == K_CONSULT || kind == K_VIDEO)
        x->note = rng_bern(r, 0.4) ? NOTE_PLAIN : NOTE_NONE;
    return e;
}

typedef struct {
    int c;
} cond_arg;

static void chronic_piece(model *m, patient_t *p, int32_t a, int32_t b, void *arg)
{
    int c = ((cond_arg *)arg)->c;
    int32_t on = p->onset[c];
    if (on == DAY_NONE || on >= b)
        return;
    a = max32(a, on + 1);
    if (a >= b)
        return;
    const cond_def *cd = &synth_conds[c];
    int n = rng_poisson(&p->r, cd->ctrl_rate * (b - a) / 365.25);
    for (int k = 0; k < n; k++) {
        int32_t d = a + rng_int(&p->r, 0, b - a - 1);
        int e = control(m, p, c, d, 0.12, 0.3);
        if (e < 0)
            continue;
        enc_t *x = &p->enc[e];
        if (x->kind == K_CONSULT && (c == C_HT || c == C_IHD || c == C_HF || c == C_STROKE || c == C_CKD))
            if (rng_bern(&p->r, c == C_HT ? 0.95 : 0.6))
                take_bp(p, x);
        if (x->kind == K_CONSULT && (c == C_CKD || c == C_HF || c == C_HT) && rng_bern(&p->r, 0.35))
            lab_crea(p, x);
        if (x->kind == K_CONSULT && c == C_IHD && rng_bern(&p->r, 0.35))
            lab_ldl(p, x);
        if (x->kind == K_CONSULT && c == C_HYPOTHY && rng_bern(&p->r, 0.8))
            lab_tsh(p, x);
        bill_kind(m, p, x);
    }
    /* Specialist letters now and then. */
    if (c != C_ALLERGY && c != C_GERD && rng_bern(&p->r, (c == C_CKD ? 0.3 : 0.06) * (b - a) / 365.25))
        letter(m, p, a + rng_int(&p->r, 0, b - a - 1), cond_icd(p, c, &p->r));
    /* Home visits and meetings for the frail with dementia. */
    if (c == C_DEMENTIA) {
        int age = age_at(p->birth, a);
        int nh = rng_poisson(&p->r, (age >= 80 ? 1.2 : 0.4) * (b - a) / 365.25);
        for (int k = 0; k < nh; k++) {
            int e = enc_add(m, p, a + rng_int(&p->r, 0, b - a - 1), K_HOME, PU_HOME, ROLE_GP);
            if (e < 0)
                continue;
            enc_cond_dx(m, p, &p->enc[e], c);
            bill_kind(m, p, &p->enc[e]);
            p->enc[e].note = rng_bern(&p->r, 0.6) ? NOTE_PLAIN : NOTE_NONE;
        }
        if (rng_bern(&p->r, 0.5 * (b - a) / 365.25)) {
            int e = enc_add(m, p, a + rng_int(&p->r, 0, b - a - 1), K_MEETING, PU_MEETING, ROLE_GP);
            if (e >= 0)
                p->enc[e].note = NOTE_PLAIN;
        }
    }
}

/* The first contact for a condition that starts while the patient is here. */
static void onset_event(model *m, patient_t *p, int c)
{
    rng_t *r = &p->r;
    int32_t on = p->onset[c];
    if (!in_win(p, on))
        return;
    int hospital = (c == C_IHD && rng_bern(r, 0.35)) || (c == C_STROKE && rng_bern(r, 0.85)) ||
                   (c == C_CANCER) || (c == C_HF && rng_bern(r, 0.4)) ||
                   (c == C_AF && rng_bern(r, 0.4)) || (c == C_DM1 && rng_bern(r, 0.7)) ||
                   (c == C_CKD && rng_bern(r, 0.8)) || (c == C_PSYCHOSIS) ||
                   (c == C_PARK && rng_bern(r, 0.6)) || (c == C_EPI && rng_bern(r, 0.7)) ||
                   (c == C_DEMENTIA && rng_bern(r, 0.4));
    int32_t d = on;
    if (hospital) {
        const char *icd = cond_icd(p, c, r);
        if (c == C_IHD)
            icd = "I21.4";
        letter(m, p, on + rng_int(r, 3, 20), icd);
        d = on + rng_int(r, 14, 40);
        if (c == C_IHD)
            med_add(m, p, D_TICAGRELOR, U_REGULAR, on, on + 365);
    }
    int e = enc_add(m, p, d, K_CONSULT, PU_ONSET, ROLE_GP);
    if (e < 0)
        return;
    enc_t *x = &p->enc[e];
    x->cond = (uint8_t)c;
    if (c == C_IHD && hospital)
        enc_dx(x, "K75", 0);
    else
        enc_cond_dx(m, p, x, c);
    if (c == C_DM2 || c == C_DM1) {
        enc_lab(x, LAB_HBA1C, r0(48 + 27 * rng_unif(r) * rng_unif(r)), 0);
        lab_crea(p, x);
    }
    if (c == C_HT || c == C_DM2) {
        take_bp(p, x);
        x->sys = (int16_t)(x->sys < 150 ? 150 + rng_int(r, 0, 20) : x->sys);
    }
    if (c == C_HYPOTHY)
        enc_lab(x, LAB_TSH, r2(6 + 10 * rng_unif(r)), 0);
    if (c == C_CKD)
        lab_crea(p, x);
    bill_kind(m, p, x);
    x->note = rng_bern(r, 0.6) ? NOTE_PLAIN : NOTE_NONE;
}

/* ------------------------------------------------------------- diabetes */

static void annual_check(model *m, patient_t *p, int c, int32_t d)
{
    rng_t *r = &p->r;
    int nurse_led = d >= m->team && rng_bern(r, 0.45);
    int lab = enc_add(m, p, d - rng_int(r, 5, 14), K_CONSULT, PU_LAB, ROLE_NURSE);
    int e = enc_add(m, p, d, K_CONSULT, PU_DM_ANNUAL, nurse_led ? ROLE_NURSE : ROLE_GP);
    int li = lab >= 0 ? lab : e;
    if (li < 0)
        return;
    enc_t *l = &p->enc[li];
    if (rng_bern(r, 0.95))
        lab_hba1c(m, p, l);
    if (rng_bern(r, 0.9))
        lab_crea(p, l);
    if (rng_bern(r, 0.75))
        lab_ldl(p, l);
    if (rng_bern(r, 0.85))
        lab_uacr(p, l);
    if (lab >= 0) {
        bill_kind(m, p, l);
        l->note = rng_bern(r, 0.2) ? NOTE_PLAIN : NOTE_NONE;
    }
    if (e < 0)
        return;
    enc_t *x = &p->enc[e];
    x->cond = (uint8_t)c;
    enc_cond_dx(m, p, x, c);
    if (rng_bern(r, 0.95))
        take_bp(p, x);
    bill_kind(m, p, x);
    int first = p->annual_count == 0 && (p->dm_onset_here || rng_bern(r, 0.2));
    const char *fee = first ? "105" : "100";
    static const char *const old[] = {"109", "109a", "109b"};
    if (x->day < m->d_fee_change) {
        if (rng_bern(r, 0.25))
            fee = old[rng_int(r, 0, 2)];
    } else if (rng_bern(r, 0.03)) {
        fee = old[rng_int(r, 0, 2)];        /* stale code: not valid any more */
    }
    int form = rng_bern(r, x->day < m->d_form_common ? 0.5 : 0.72);
    int billed = rng_bern(r, 0.85);
    if (nurse_led) {
        form = 1;
        billed = 0;
    }
    if (!form && !billed)
        billed = 1;
    if (billed) {
        if (!is_gp(m, x))
            x->staff = pick_staff(m, p, ROLE_GP, x->day);
        enc_fee(x, fee);
    }
    if (form)
        x->form = FORM_NOKLUS;
    x->note = rng_bern(r, 0.6) ? NOTE_PLAIN : NOTE_NONE;
    p->annual_count++;
}

static void diabetes_piece(model *m, patient_t *p, int32_t a, int32_t b, void *arg)
{
    int c = ((cond_arg *)arg)->c;
    int32_t on = p->onset[c];
    if (on == DAY_NONE || on >= b)
        return;
    a = max32(a, on + 1);
    if (a >= b)
        return;
    rng_t *r = &p->r;
    double rate = c == C_DM1 ? 0.8 : 1.8;
    int n = rng_poisson(r, rate * (b - a) / 365.25);
    for (int k = 0; k < n; k++) {
        int e = control(m, p, c, a + rng_int(r, 0, b - a - 1), 0.15, 0.35);
        if (e < 0)
            continue;
        enc_t *x = &p->enc[e];
        if (x->kind == K_CONSULT) {
            if (rng_bern(r, 0.75))
                lab_hba1c(m, p, x);
            if (rng_bern(r, 0.65))
                take_bp(p, x);
            if (rng_bern(r, 0.15))
                lab_crea(p, x);
            if (rng_bern(r, 0.08))
                lab_uacr(p, x);
        }
        bill_kind(m, p, x);
    }
    if (c == C_DM1 && rng_bern(r, 0.6 * (b - a) / 365.25))
        letter(m, p, a + rng_int(r, 0, b - a - 1), cond_icd(p, c, r));
    /* Annual check near the anniversary of the diagnosis. */
    int y = day_year(a);
    int32_t d = day_from_ymd(y, 1, 1) + p->check_doy + (int32_t)lround(15 * rng_norm(r));
    if (d < a || d >= b || d < on + 60)
        return;
    double prob = p->annual_q + (d >= m->team ? TEAM_EFFECT : 0);
    if (c == C_DM1)
        prob *= 0.5;
    if (rng_bern(r, clampd(prob, 0, 0.97)))
        annual_check(m, p, c, d);
}

/* ----------------------------------------------------------------- COPD */

static void exacerbation(model *m, patient_t *p, int32_t e0)
{
    rng_t *r = &p->r;
    int age = age_at(p->birth, e0);
    double u = rng_unif(r);
    int kind = u < 0.65 ? K_CONSULT : u < 0.9 || age < 80 ? K_PHONE : K_HOME;
    int e = enc_add(m, p, e0, kind, PU_COPD_EXAC, ROLE_GP);
    if (e < 0)
        return;
    enc_t *x = &p->enc[e];
    int32_t d = x->day;
    double v = rng_unif(r);
    if (v < 0.82)
        enc_dx(x, "R95", 0);
    else if (v < 0.92)
        enc_dx(x, "J44.1", 1);
    else
        enc_dx(x, "J44.0", 1);
    if (kind == K_CONSULT && rng_bern(r, 0.4))
        lab_crp(p, x);
    bill_kind(m, p, x);
    x->note = rng_bern(r, 0.5) ? NOTE_PLAIN : NOTE_NONE;
    if (rng_bern(r, 0.8))
        course(m, p, D_PREDNISOLONE, d, rng_int(r, 5, 10), 40 + 10 * rng_int(r, 0, 2));
    if (rng_bern(r, 0.55))
        course(m, p, rng_bern(r, 0.6) ? D_AMOXICILLIN : D_DOXYCYCLINE, d, 7, 20);
    if (rng_bern(r, 0.15))
        letter(m, p, d + rng_int(r, 4, 12), rng_bern(r, 0.75) ? "J44.1" : "J44.0");
    double f = rng_unif(r);
    int32_t fu = DAY_NONE;
    int fkind = K_CONSULT;
    if (f < 0.55)
        fu = d + rng_int(r, 8, 40);
    else if (f < 0.72)
        fu = d + rng_int(r, 43, 150);
    else if (f < 0.82) {
        fu = d + rng_int(r, 5, 30);
        fkind = K_PHONE;
    }
    if (fu == DAY_NONE)
        return;
    int role = fkind == K_CONSULT && rng_bern(r, nurse_share(m, fu, 0.15, 0.35)) ? ROLE_NURSE : ROLE_GP;
    int c2 = enc_add(m, p, fu, fkind, PU_COPD_CTRL, role);
    if (c2 < 0)
        return;
    enc_t *y = &p->enc[c2];
    if (rng_bern(r, 0.93))
        enc_dx(y, "R95", 0);
    else
        enc_dx(y, "J44.9", 1);
    bill_kind(m, p, y);
    y->note = rng_bern(r, 0.5) ? NOTE_PLAIN : NOTE_NONE;
}

static void copd_piece(model *m, patient_t *p, int32_t a, int32_t b, void *arg)
{
    (void)arg;
    int32_t on = p->onset[C_COPD];
    if (on == DAY_NONE || on >= b)
        return;
    a = max32(a, on + 1);
    if (a >= b)
        return;
    int n = rng_poisson(&p->r, 0.45 * p->copd_severity * (b - a) / 365.25);
    for (int k = 0; k < n; k++)
        exacerbation(m, p, a + rng_int(&p->r, 0, b - a - 1));
}

/* ---------------------------------------------------- mood disorders */

typedef struct {
    int anxiety;
} mood_arg;

static void workup(model *m, patient_t *p, int32_t d)
{
    rng_t *r = &p->r;
    double u = rng_unif(r);
    int32_t at = u < 0.75 ? d + rng_int(r, 0, 14) : u < 0.88 ? d - rng_int(r, 3, 28) : d + rng_int(r, 29, 50);
    int e = enc_add(m, p, at, K_CONSULT, PU_LAB, ROLE_NURSE);
    if (e < 0)
        return;
    enc_t *x = &p->enc[e];
    if (rng_bern(r, 0.95))
        lab_tsh(p, x);
    if (rng_bern(r, 0.9))
        lab_hb(p, x);
    if (rng_bern(r, 0.35))
        lab_hba1c(m, p, x);
    if (rng_bern(r, 0.4))
        lab_crea(p, x);
    bill_kind(m, p, x);
}

static void antidepressant(model *m, patient_t *p, int32_t d)
{
    rng_t *r = &p->r;
    static const int ad[] = {D_ESCITALOPRAM, D_SERTRALINE, D_CITALOPRAM, D_MIRTAZAPINE, D_VENLAFAXINE};
    static const double w[] = {40, 25, 10, 15, 10};
    int32_t s = rng_bern(r, 0.5) ? d : d + rng_int(r, 1, 21);
    int32_t stop = rng_bern(r, 0.15) ? DAY_NONE : s + rng_int(r, 150, 720);
    med_add(m, p, pick_of(r, ad, w, 5), U_REGULAR, weekday_adjust(s), stop);
}

static void episode(model *m, patient_t *p, int32_t d0, int anxiety)
{
    rng_t *r = &p->r;
    int kind = d0 >= m->d_covid && rng_bern(r, 0.1) ? K_VIDEO : rng_bern(r, 0.1) ? K_PHONE : K_CONSULT;
    int e = enc_add(m, p, d0, kind, anxiety ? PU_ANX_NEW : PU_DEP_NEW, ROLE_GP);
    if (e < 0)
        return;
    enc_t *x = &p->enc[e];
    int32_t d = x->day;
    if (rng_bern(r, 0.95) && !staff_icd(m, x))
        enc_dx(x, anxiety ? "P74" : "P76", 0);
    else
        enc_dx(x, anxiety ? (rng_bern(r, 0.6) ? "F41.1" : "F41.0")
                          : (p->mood_history ? "F33.1" : "F32.1"), 1);
    bill_kind(m, p, x);
    x->note = rng_bern(r, 0.7) ? NOTE_PLAIN : NOTE_NONE;
    if (rng_bern(r, anxiety ? 0.4 : 0.45))
        workup(m, p, d);
    /* Follow-up contacts. */
    int nfu = anxiety ? (rng_bern(r, 0.65) ? 1 : 0) + rng_int(r, 0, 2) : rng_int(r, 1, 5);
    int32_t t = d;
    for (int k = 0; k < nfu; k++) {
        t += anxiety && k == 0 ? rng_int(r, 7, 40) : rng_int(r, 14, 60);
        double u = rng_unif(r);
        int fk = u < 0.7 ? face_kind(m, p, t) : u < 0.9 ? K_PHONE : K_ECONS;
        if (fk == K_ECONS && t < m->d_econs)
            fk = K_PHONE;
        int f = enc_add(m, p, t, fk, anxiety ? PU_ANX_FU : PU_DEP_FU, ROLE_GP);
        if (f < 0)
            continue;
        enc_t *y = &p->enc[f];
        enc_dx(y, anxiety ? "P74" : "P76", 0);
        bill_kind(m, p, y);
        y->note = rng_bern(r, 0.4) ? NOTE_PLAIN : NOTE_NONE;
    }
    if (rng_bern(r, anxiety ? 0.3 : 0.5))
        antidepressant(m, p, d);
    if (anxiety && rng_bern(r, 0.22)) {
        int drug = rng_bern(r, 0.6) ? D_OXAZEPAM : D_DIAZEPAM;
        int i = med_add(m, p, drug, U_AS_NEEDED, d, d + rng_int(r, 30, 240));
        (void)i;
    }
    if (anxiety && rng_bern(r, 0.1))
        med_add(m, p, D_HYDROXYZINE, U_AS_NEEDED, d, d + rng_int(r, 30, 365));
    if (anxiety && rng_bern(r, 0.05))
        med_add(m, p, D_PROPRANOLOL, U_AS_NEEDED, d, d + rng_int(r, 60, 700));
    if (rng_bern(r, anxiety ? 0.14 : 0.05)) {
        /* Cognitive therapy series by the GP (takst 2pa/2pb). */
        int32_t s = d + (rng_bern(r, 0.8) ? rng_int(r, 7, 75) : rng_int(r, 91, 150));
        int ns = rng_int(r, 3, 8);
        for (int k = 0; k < ns; k++, s += rng_int(r, 7, 14)) {
            int f = enc_add(m, p, s, K_CONSULT, PU_CBT, ROLE_GP);
            if (f < 0)
                continue;
            enc_t *y = &p->enc[f];
            y->cond = (uint8_t)(k + 1);     /* session number, for the note */
            enc_dx(y, anxiety ? "P74" : "P76", 0);
            enc_fee(y, "2ad");
            enc_fee(y, rng_bern(r, 0.7) ? "2pa" : "2pb");
            y->note = rng_bern(r, 0.5) ? NOTE_PLAIN : NOTE_NONE;
        }
    }
    if (d >= m->d_psych && rng_bern(r, 0.2)) {
        int ns = rng_int(r, 2, 6);
        int32_t s = d + rng_int(r, 14, 60);
        for (int k = 0; k < ns; k++, s += rng_int(r, 7, 21)) {
            int f = enc_add(m, p, s, K_CONSULT, PU_PSYCH, ROLE_PSYCH);
            if (f >= 0)
                p->enc[f].note = rng_bern(r, 0.3) ? NOTE_PLAIN : NOTE_NONE;
        }
    }
    p->mood_history = 1;
}

static void mood_piece(model *m, patient_t *p, int32_t a, int32_t b, void *arg)
{
    int anxiety = ((mood_arg *)arg)->anxiety;
    int age = age_at(p->birth, a + (b - a) / 2);
    double base;
    if (age < 13)
        base = 0;
    else if (age < 18)
        base = 0.011;
    else if (age < 65)
        base = anxiety ? (p->sex ? 0.012 : 0.022) : (p->sex ? 0.016 : 0.028);
    else
        base = anxiety ? 0.008 : 0.016;
    double lam = base * exp(0.7 * p->z[F_MENTAL] - 0.245) * (p->mood_history ? 2.0 : 1.0);
    int n = rng_poisson(&p->r, lam * (b - a) / 365.25);
    for (int k = 0; k < n && k < 2; k++)
        episode(m, p, a + rng_int(&p->r, 0, b - a - 1), anxiety);
}

/* --------------------------------------------------- primary care team */

/* From the team month nurses follow chronic patients more. */
static void team_piece(model *m, patient_t *p, int32_t a, int32_t b, void *arg)
{
    (void)arg;
    static const int cs[] = {C_DM2, C_DM1, C_HT, C_COPD, C_HF, C_IHD};
    if (b <= m->team)
        return;
    a = max32(a, m->team);
    int32_t mid = a + (b - a) / 2;
    int act[6], n = 0;
    for (int i = 0; i < 6; i++)
        if (has(p, cs[i], mid))
            act[n++] = cs[i];
    if (!n)
        return;
    rng_t *r = &p->r;
    int k = rng_poisson(r, 0.8 * (b - a) / 365.25);
    for (int i = 0; i < k; i++) {
        int e = enc_add(m, p, a + rng_int(r, 0, b - a - 1), K_CONSULT, PU_CHRONIC, ROLE_NURSE);
        if (e < 0)
            continue;
        enc_t *x = &p->enc[e];
        x->cond = (uint8_t)act[rng_int(r, 0, n - 1)];
        if (rng_bern(r, 0.6))
            enc_cond_dx(m, p, x, x->cond);
        if (rng_bern(r, 0.7))
            take_bp(p, x);
        if ((x->cond == C_DM2 || x->cond == C_DM1) && rng_bern(r, 0.5))
            lab_hba1c(m, p, x);
        bill_kind(m, p, x);
        x->note = rng_bern(r, 0.3) ? NOTE_PLAIN : NOTE_NONE;
    }
}

/* ------------------------------------------------------ medication review */

static void lmg_piece(model *m, patient_t *p, int32_t a, int32_t b, void *arg)
{
    (void)arg;
    rng_t *r = &p->r;
    if (b - a < 60)
        return;
    int32_t mid = a + (b - a) / 2;
    if (age_at(p->birth, mid) < 18)
        return;
    int nreg = regular_count(p, mid);
    int gp = model_list_gp(m, p, mid);
    double habit = gp >= 0 ? m->staff[gp].lmg : 1.0;
    double prob = nreg >= 4 ? 0.34 * habit : nreg == 3 ? 0.06 : 0.01;
    if (day_year(mid) >= 2016)
        prob += 0.05;
    if (rng_bern(r, clampd(prob, 0, 0.9) * (b - a) / 365.25)) {
        int e = enc_add(m, p, a + rng_int(r, 0, b - a - 1), K_CONSULT, PU_LMG, ROLE_GP);
        if (e >= 0) {
            enc_t *x = &p->enc[e];
            x->staff = gp >= 0 && active(&m->staff[gp], x->day) ? gp : pick_staff(m, p, ROLE_GP, x->day);
            int fee = rng_bern(r, 0.68), note = rng_bern(r, 0.55);
            if (!fee && !note)
                note = 1;
            enc_fee(x, "2ad");
            if (fee)
                enc_fee(x, "2ld");
            int conds[C_COUNT];
            int nc = active_conditions(p, x->day, conds);
            if (nc)
                enc_cond_dx(m, p, x, conds[rng_int(r, 0, nc - 1)]);
            else
                enc_dx(x, "A98", 0);
            x->note = note ? NOTE_LMG : NOTE_NONE;
            if (rng_bern(r, 0.3)) {
                /* Stop one regular drug at the review. */
                int cand[64], nc2 = 0;
                for (int i = 0; i < p->nmed && nc2 < 64; i++) {
                    const med_t *md = &p->med[i];
                    if (md->use == U_REGULAR && md->drug >= 0 && !md->dropped && md->start < x->day &&
                        x->day < md->stop)
                        cand[nc2++] = i;
                }
                if (nc2) {
                    int i = cand[rng_int(r, 0, nc2 - 1)];
                    p->med[i].stop = x->day;
                    x->drug = (int16_t)p->med[i].drug;
                    for (int j = 0; j < p->nmed; j++)
                        if (p->med[j].drug == p->med[i].drug && p->med[j].use == U_REGULAR &&
                            p->med[j].start >= x->day)
                            p->med[j].dropped = 1;      /* stays stopped */
                }
            }
        }
    }
    if (nreg >= 4 && rng_bern(r, 0.06)) {
        int e = enc_add(m, p, a + rng_int(r, 0, b - a - 1), K_CONSULT, PU_CHRONIC, ROLE_GP);
        if (e >= 0) {
            enc_t *x = &p->enc[e];
            int conds[C_COUNT];
            int nc = active_conditions(p, x->day, conds);
            if (nc) {
                x->cond = (uint8_t)conds[rng_int(r, 0, nc - 1)];
                enc_cond_dx(m, p, x, x->cond);
            } else {
                x->purpose = PU_ACUTE;
                x->cond = (uint8_t)acute_index("A97");
                enc_dx(x, "A97", 0);
            }
            bill_kind(m, p, x);
            x->note = NOTE_TRAP;
        }
    }
}

/* ------------------------------------------------- demographics, lists */

static double female_share(int age)
{
    return age < 50 ? 0.49 : age < 70 ? 0.50 : age < 80 ? 0.54 : age < 90 ? 0.62 : 0.72;
}

static double mortality(const patient_t *p, int age, int32_t d)
{
    if (age == 0)
        return 0.0025;
    double m = 0.0002 + exp((p->sex ? -11.3 : -11.7) + 0.106 * age);
    double mult = 1;
    if (has(p, C_HF, d)) mult *= 2.2;
    if (has(p, C_DEMENTIA, d)) mult *= 2.2;
    if (has(p, C_COPD, d)) mult *= 1.7;
    if (has(p, C_CANCER, d)) mult *= d - p->onset[C_CANCER] < 3 * 365 ? 3.0 : 1.3;
    if (has(p, C_STROKE, d)) mult *= 1.4;
    if (has(p, C_PARK, d)) mult *= 1.6;
    if (has(p, C_CKD, d)) mult *= 1.4;
    if (diabetic(p, d)) mult *= 1.3;
    if (mult > 8)
        mult = 8;
    m *= mult;
    return m > 0.7 ? 0.7 : m;
}

static double move_rate(int age)
{
    return age < 6 ? 0.07 : age < 16 ? 0.05 : age < 20 ? 0.08 : age < 30 ? 0.14 : age < 40 ? 0.09
         : age < 50 ? 0.05 : age < 67 ? 0.03 : age < 80 ? 0.02 : 0.04;
}

static int seg_open(model *m, patient_t *p, int32_t from, int slot)
{
    (void)m;
    if (p->nseg >= MAX_SEG)
        return -1;
    p->seg[p->nseg].from = from;
    p->seg[p->nseg].to = DAY_NONE;
    p->seg[p->nseg].slot = slot;
    return p->nseg++;
}

static int other_slot(model *m, patient_t *p, int slot)
{
    int s = rng_int(&p->r, 0, m->nslot - 2);
    return s >= slot ? s + 1 : s;
}

/* List history from start: deaths, moves out (some come back), GP switches. */
static void listing(model *m, patient_t *p, int32_t start)
{
    rng_t *r = &p->r;
    int cur = seg_open(m, p, start, rng_int(r, 0, m->nslot - 1));
    int32_t t = max32(start, m->F);
    while (t <= m->T && cur >= 0) {
        int age = age_at(p->birth, t);
        double pd = 1 - exp(-mortality(p, age, t));
        double pm = 1 - exp(-move_rate(age));
        double u = rng_unif(r);
        int32_t x = t + rng_int(r, 1, 364);
        if (x > m->T) {
            t += 365;
            continue;
        }
        if (u < pd) {
            p->death = x;
            p->seg[cur].to = rng_bern(r, 0.25) ? x + rng_int(r, 1, 30) : x;
            if (p->seg[cur].to > m->T)
                p->seg[cur].to = DAY_NONE;
            return;
        }
        if (u < pd + pm) {
            p->seg[cur].to = x;
            int32_t back = x + rng_int(r, 365, 5 * 365);
            if (rng_bern(r, 0.07) && back <= m->T) {
                cur = seg_open(m, p, back, rng_int(r, 0, m->nslot - 1));
                t = back;
                continue;
            }
            return;
        }
        if (m->nslot > 1 && rng_bern(r, 0.015) && x > p->seg[cur].from) {
            int slot = other_slot(m, p, p->seg[cur].slot);
            p->seg[cur].to = x;
            cur = seg_open(m, p, x, slot);
        }
        t += 365;
    }
}

static void windows(model *m, patient_t *p)
{
    p->nwin = 0;
    for (int i = 0; i < p->nseg; i++) {
        int32_t a = max32(p->seg[i].from, m->F);
        int32_t b = p->seg[i].to == DAY_NONE ? m->T + 1 : min32(p->seg[i].to, m->T + 1);
        if (p->death != DAY_NONE)
            b = min32(b, p->death);
        if (a >= b)
            continue;
        if (p->nwin && p->win[p->nwin - 1].b == a)
            p->win[p->nwin - 1].b = b;
        else if (p->nwin < MAX_WIN)
            p->win[p->nwin++] = (win_t){a, b};
    }
}

static int pick_age_pyramid(rng_t *r)
{
    int band = rng_pick(r, synth_pyramid, 21);
    return band * 5 + rng_int(r, 0, 4);
}

static int pick_age_mover(rng_t *r)
{
    static const double w[] = {15, 10, 35, 20, 12, 6, 2};
    static const int lo[] = {0, 10, 20, 30, 40, 60, 80}, hi[] = {9, 19, 29, 39, 59, 79, 95};
    int k = rng_pick(r, w, 7);
    return rng_int(r, lo[k], hi[k]);
}

static void conditions(model *m, patient_t *p)
{
    rng_t *r = &p->r;
    (void)m;
    for (int c = 0; c < C_COUNT; c++) {
        const cond_def *cd = &synth_conds[c];
        const float *P = p->sex ? cd->pm : cd->pf;
        double mult = cd->factor ? exp(cd->beta * p->z[cd->factor] - cd->beta * cd->beta / 2) : 1;
        double u = rng_unif(r);
        p->onset[c] = DAY_NONE;
        if (cd->min_birth_year && day_year(p->birth) < cd->min_birth_year)
            continue;
        for (int k = 1; k <= 10; k++) {
            double p0 = fmin(0.95, P[k - 1] * mult), p1 = fmin(0.95, P[k] * mult);
            if (p1 > u) {
                double age = 10 * (k - 1) + 10 * (u - p0) / (p1 - p0);
                p->onset[c] = p->birth + years_days(age);
                break;
            }
        }
    }
    if (p->onset[C_DM1] != DAY_NONE)
        p->onset[C_DM2] = DAY_NONE;
    double w[16];
    for (int i = 0; i < synth_ncancers && i < 16; i++) {
        const cancer_def *k = &synth_cancers[i];
        w[i] = (k->sex == 1 && p->sex) || (k->sex == 2 && !p->sex) ? 0 : k->w;
    }
    p->cancer_site = rng_pick(r, w, synth_ncancers);
}

static void baselines(patient_t *p)
{
    rng_t *r = &p->r;
    for (int f = 1; f < F_COUNT; f++)
        p->z[f] = rng_norm(r);
    p->util = exp(0.65 * rng_norm(r) - 0.21);
    p->hba1c = 40 + exp(2.55 + 0.6 * rng_norm(r));
    p->uacr = exp(0.15 + 1.3 * rng_norm(r));
    p->crea = (p->sex ? 84 : 68) + 10 * rng_norm(r);
    p->crea_ckd = 140 + 35 * rng_norm(r);
    p->ldl = clampd(3.2 + 0.8 * rng_norm(r), 1.2, 6.5);
    p->tsh = exp(log(1.8) + 0.4 * rng_norm(r));
    p->hb = (p->sex ? 14.9 : 13.6) + 0.9 * rng_norm(r);
    p->sbp = 117 + 9 * rng_norm(r);
    p->annual_q = clampd(0.46 + 0.18 * rng_norm(r), 0.03, 0.85);
    p->check_doy = rng_int(r, 0, 364);
    p->copd_severity = exp(0.6 * rng_norm(r) - 0.18);
}

/* Fødselsnummer in the synthetic form of Norway's test registries: DD,
 * MM + 80, YY, individual number (century, sex) and the two mod-11 control
 * digits; unique within the run. The month + 80 keeps it from ever being a
 * real person's number while it still looks and validates like one. */
static int make_fnr(model *m, patient_t *p)
{
    static const int w1[9] = {3, 7, 6, 1, 8, 9, 4, 5, 2};
    static const int w2[10] = {5, 4, 3, 2, 7, 6, 5, 4, 3, 2};
    int y, mo, d;
    ymd_from_day(p->birth, &y, &mo, &d);
    int lo = y >= 2000 ? 500 : y < 1900 ? 500 : 0, hi = y >= 2000 ? 999 : y < 1900 ? 749 : 499;
    for (int tries = 0; tries < 2000; tries++) {
        int ind = rng_int(&p->r, lo, hi);
        if ((ind % 2 == 1) != (p->sex == 1))
            continue;
        int dg[11] = {d / 10, d % 10, (mo + 80) / 10, (mo + 80) % 10, (y % 100) / 10, y % 10,
                      ind / 100, ind / 10 % 10, ind % 10, 0, 0};
        int s = 0;
        for (int i = 0; i < 9; i++)
            s += w1[i] * dg[i];
        int k1 = 11 - s % 11;
        if (k1 == 11)
            k1 = 0;
        if (k1 == 10)
            continue;
        dg[9] = k1;
        s = 0;
        for (int i = 0; i < 10; i++)
            s += w2[i] * dg[i];
        int k2 = 11 - s % 11;
        if (k2 == 11)
            k2 = 0;
        if (k2 == 10)
            continue;
        dg[10] = k2;
        uint64_t v = 0;
        for (int i = 0; i < 11; i++)
            v = v * 10 + (uint64_t)dg[i];
        int r = fnr_set_add(&m->fnrs, v);
        if (r < 0)
            return -1;
        if (r == 0)
            continue;           /* taken */
        for (int i = 0; i < 11; i++)
            p->fnr[i] = (char)('0' + dg[i]);
        p->fnr[11] = '\0';
        return 0;
    }
    p->fnr[0] = '\0';           /* day exhausted: leave national_id NULL */
    return 0;
}

static void demographics(model *m, patient_t *p, int32_t *list_start)
{
    rng_t *r = &p->r;
    double years = (m->T - m->F + 1) / 365.25;
    double p_init = (1 - VISITOR_SHARE) / (1 + TURNOVER * years);
    double u = rng_unif(r);
    int age;
    int32_t ref;
    *list_start = DAY_NONE;
    if (u < VISITOR_SHARE) {
        p->visitor = 1;
        ref = m->F + rng_int(r, 0, m->T - m->F);
        age = rng_int(r, 15, 75);
    } else if (u < VISITOR_SHARE + p_init) {
        ref = m->F;
        age = pick_age_pyramid(r);
    } else {
        ref = m->F + rng_int(r, 0, m->T - m->F);
        age = rng_bern(r, BIRTH_SHARE) ? -1 : pick_age_mover(r);
    }
    p->sex = !rng_bern(r, female_share(age < 0 ? 0 : age));
    if (age < 0) {
        p->birth = ref - rng_int(r, 5, 45);
        *list_start = ref;
    } else {
        p->birth = ref - years_days(age) - rng_int(r, 0, 364);
        if (p->visitor) {
            p->nwin = 1;
            p->win[0] = (win_t){ref, min32(ref + 14, m->T + 1)};
        } else if (ref == m->F) {
            int32_t l0 = min32(day_from_ymd(2001, 6, 1), m->F - 1);
            int32_t lo = max32(p->birth + 14, min32(l0, m->F - 3650));
            if (p->birth < l0 && rng_bern(r, 0.3))
                *list_start = l0;
            else
                *list_start = lo >= m->F ? lo : lo + rng_int(r, 0, m->F - 1 - lo);
        } else {
            *list_start = ref;
        }
    }
    char first[32];
    random_name(r, !p->sex, first, sizeof first, p->name, sizeof p->name);
}

/* --------------------------------------------------------------- driver */

static void visitor_contacts(model *m, patient_t *p)
{
    int n = rng_int(&p->r, 1, 3);
    for (int k = 0; k < n; k++) {
        int32_t d = p->win[0].a + rng_int(&p->r, 0, p->win[0].b - p->win[0].a - 1);
        int e = enc_add(m, p, d, K_CONSULT, PU_ACUTE, ROLE_GP);
        if (e < 0)
            continue;
        enc_t *x = &p->enc[e];
        int a = pick_acute(p, age_at(p->birth, x->day));
        x->cond = (uint8_t)a;
        enc_dx(x, synth_acute[a].code, 0);
        bill_kind(m, p, x);
        x->note = rng_bern(&p->r, 0.3) ? NOTE_PLAIN : NOTE_NONE;
        acute_treatment(m, p, synth_acute[a].code, x->day);
    }
}

/* Problem-list rows for conditions already present when the patient's
 * record here begins (as an EHR migration would leave them). */
static void problem_list_rows(model *m, patient_t *p)
{
    int32_t s = obs_start(p);
    for (int c = 0; c < C_COUNT; c++) {
        if (p->onset[c] == DAY_NONE || p->onset[c] >= s)
            continue;
        if (c == C_ALLERGY || c == C_GERD || c == C_MIGRAINE || !rng_bern(&p->r, 0.5))
            continue;
        int32_t d = s + rng_int(&p->r, 0, 30);
        if (c == C_CKD)
            problem_list(m, p, d, cond_icd(p, c, &p->r), 1);
        else if (c == C_CANCER)
            problem_list(m, p, d, synth_cancers[p->cancer_site].icpc, 0);
        else
            problem_list(m, p, d, synth_conds[c].icpc[0], 0);
    }
}

int model_patient(model *m, long i)
{
    patient_t *p = &m->p;
    p->nenc = p->nmed = p->nrx = p->nfdx = p->nseg = p->nwin = 0;
    p->visitor = 0;
    p->death = DAY_NONE;
    p->annual_count = 0;
    p->mood_history = 0;
    p->id = i + 1;
    uint64_t st = m->o->seed ^ ((uint64_t)(i + 1) * 0xD1B54A32D192ED03ULL);
    uint64_t s1 = splitmix64(&st), s2 = splitmix64(&st);
    rng_seed(&p->r, s1);
    rng_seed(&p->rd, s2);

    int32_t start;
    demographics(m, p, &start);
    baselines(p);
    conditions(m, p);
    if (make_fnr(m, p) != 0)
        return -1;
    if (!p->visitor) {
        listing(m, p, start);
        windows(m, p);
    }
    if (p->nwin == 0)
        return 0;
    p->dm_onset_here = (in_win(p, p->onset[C_DM2]) || in_win(p, p->onset[C_DM1]));
    p->mood_history = rng_bern(&p->r, 0.08);
    if (p->visitor) {
        visitor_contacts(m, p);
        return m->oom ? -1 : 0;
    }
    regimens(m, p);
    general_meds(m, p);
    problem_list_rows(m, p);
    for (int c = 0; c < C_COUNT; c++)
        if (p->onset[c] != DAY_NONE && p->onset[c] <= m->T)
            onset_event(m, p, c);
    each_piece(m, p, base_piece, NULL);
    for (int c = 0; c < C_COUNT; c++) {
        if (p->onset[c] == DAY_NONE || p->onset[c] > m->T)
            continue;
        cond_arg ca = {c};
        if (c == C_DM2 || c == C_DM1)
            each_piece(m, p, diabetes_piece, &ca);
        else
            each_piece(m, p, chronic_piece, &ca);
        if (c == C_COPD)
            each_piece(m, p, copd_piece, NULL);
    }
    mood_arg dep = {0}, anx = {1};
    each_piece(m, p, mood_piece, &dep);
    each_piece(m, p, mood_piece, &anx);
    /* Extra nurse follow-up of chronic patients in the team period. */
    each_piece(m, p, team_piece, NULL);
    each_piece(m, p, lmg_piece, NULL);
    prescriptions(m, p);
    return m->oom ? -1 : 0;
}
