/*
 * sim_v1.h - kvalind's first disclosure algorithm ("v1", git c393f6d), frozen
 * for the regression fixtures of the algorithm-aware attacker (sim_v1.c)
 *
 * v1 chose the cell of secondary suppression by value: in an equation with
 * one lone protected hidden cell it hid "the published cell with the
 * smallest true count", so a hidden cell told an attacker that it was at
 * most its published partners; and its mean divided by the true denominator.
 *
 * This copy is rules 1-3 of v1 (primary suppression, secondary suppression
 * to a fixpoint, rounding) and its shares and means. v1's audit loop (an
 * interval audit of the would-be publication; where it could pin a cell,
 * hide that cell or a published neighbour as suppressed_secondary, and run
 * rule 2 again) is left out. The loop only ever hides more cells, all with
 * the status suppressed_secondary, so v1's true output differs from this
 * copy's only where a cell this copy publishes is suppressed_secondary in
 * v1's output. sim.c therefore accepts exactly that difference (and
 * nothing else) when it compares, and keeps every candidate v1 would keep
 * (a superset): whatever the attacker recovers with it, v1 gives away too.
 */
#ifndef KV_SIM_V1_H
#define KV_SIM_V1_H

#include <stddef.h>

#include "disclosure.h"
#include "engine.h"
#include "relations.h"

/* Month m of res under v1 (without its audit loop): out gets one entry per
 * series. The relations are assumed to hold (the attacker's candidates
 * satisfy them by construction). */
void sim_v1_month(const struct kv_result *res, const struct kv_relations *rel,
		  const struct kv_disclosure_params *p, size_t m, struct kv_published *out);

#endif /* KV_SIM_V1_H */
