"""The search's inner loop, compiled with numba: incremental cost bookkeeping and annealing.

A `State` holds one timetable (each meeting's start slot and room, each class's instructor) plus
occupancy counts from which every cost component is kept up to date by `place`, which adds or
removes one meeting and adjusts the cost vector by exactly the change it causes. A move is a few
`place` calls; its delta is the difference of the cost vector before and after, so nothing is
ever re-evaluated from scratch inside the search. Costs are in `model.HARD + model.SOFT` order,
soft ones already weighted.
"""
from __future__ import annotations

import os
import tempfile
from collections import namedtuple

import numpy as np

# numba caches compiled code beside the sources; use a temp dir when the package is read-only.
if not os.access(os.path.dirname(__file__), os.W_OK) and "NUMBA_CACHE_DIR" not in os.environ:
    os.environ["NUMBA_CACHE_DIR"] = os.path.join(tempfile.gettempdir(), "ga_runner-numba")

from numba import njit  # noqa: E402

# The kernels allocate nothing (anneal hands them its buffers) and only touch arrays their caller
# owns, so they are compiled without numba's reference counting: its atomic increments and
# decrements on every array of A and S were about two thirds of the annealing time (perf, comp05).
kernel = njit(cache=True, _nrt=False)
inline_kernel = njit(cache=True, inline="always", _nrt=False)

N_HARD = 6
# Share of the moves that are Kempe-chain swaps, and the longest chain (also the most meetings an
# ejection moves).
KEMPE_FROM, KEMPE_TO = 0.45, 0.55
KEMPE_MAX = 64
# Shares of the moves from an infeasible timetable that are min-conflicts repairs and ejections.
# (Campus, 110 s, seeds 1-4, hard: 23/19/22/23 with Kempe chains only from feasible timetables and
# no ejections, 20/20/22/19 with Kempe chains from any; with ejections as well 18/18/20/18 at 10 %,
# 18/17/18/19 at 30 %, 18/20/19/17 at 45 %.)
REPAIR_SHARE = 0.1
EJECT_FROM, EJECT_TO = 0.55, 0.85
# Share of the instructor changes from an infeasible timetable that eject whatever the re-taught
# class's meetings then clash with. (Campus, 110 s, seeds 1-4, hard: 21/17/21/21 without,
# 18/18/20/17 with half.)
EJECT_CLASS_SHARE = 0.5
N_COST = 13
# Cost vector indices.
CONFLICTS, CLASS_OVERLAPS, ROOM_OCCUPANCY, AVAILABILITY, ROOM_SUITABILITY, NO_INSTRUCTOR = range(6)
ROOM_CAPACITY, MIN_WORKING_DAYS, ISOLATED, ROOM_STABILITY, IDLE_GAPS, LUNCH, PREFERRED_FREE = range(6, 13)

State = namedtuple("State", [
    "m_start", "m_room", "c_inst",                 # the timetable itself
    "occ_c", "occ_r", "occ_l", "occ_i", "pres_i",  # occupancy counts per slot
    "leaf_starts",                                 # [L, T, max length + 1] meetings starting
    "c_day", "c_ndays", "c_roomcnt", "c_nrooms",
    "leaf_iso", "leaf_idle", "leaf_lunch", "inst_idle",   # unweighted per (leaf|instructor, day)
    "cost",
])


def new_state(A, m_start, m_room, c_inst) -> State:
    D, P, T, C, M, R, I, L = (int(x) for x in A.dims)
    S = State(
        m_start=np.full(M, -1, np.int64), m_room=np.full(M, -1, np.int64),
        c_inst=np.asarray(c_inst, np.int64).copy(),
        occ_c=np.zeros((C, T), np.int32), occ_r=np.zeros((R, T), np.int32),
        occ_l=np.zeros((L, T), np.int32), occ_i=np.zeros((I, T), np.int32),
        pres_i=np.zeros((I, T), np.int32),
        leaf_starts=np.zeros((L, T, A.lengths.max() + 1 if len(A.lengths) else 1), np.int32),
        c_day=np.zeros((C, D), np.int32), c_ndays=np.zeros(C, np.int32),
        c_roomcnt=np.zeros((C, R), np.int32), c_nrooms=np.zeros(C, np.int32),
        leaf_iso=np.zeros((L, D), np.int32), leaf_idle=np.zeros((L, D), np.int32),
        leaf_lunch=np.zeros((L, D), np.int32), inst_idle=np.zeros((I, D), np.int32),
        cost=np.zeros(N_COST, np.int64),
    )
    S.cost[NO_INSTRUCTOR] = A.cls_fixed_cost.sum()
    # Every class starts with no meeting placed, so with all its working days missing.
    S.cost[MIN_WORKING_DAYS] = A.weights[1] * A.cls_mwd.sum()
    place_all(A, S, np.asarray(m_start, np.int64), np.asarray(m_room, np.int64))
    return S


def copy_state(S: State) -> State:
    return State(*(a.copy() for a in S))


@kernel
def place_all(A, S, m_start, m_room):
    for m in range(m_start.shape[0]):
        if m_start[m] >= 0:
            place(A, S, m, m_start[m], m_room[m], 1)


@inline_kernel
def _gaps(row, base, P):
    first = -1
    last = -1
    busy = 0
    for p in range(P):
        if row[base + p] > 0:
            if first < 0:
                first = p
            last = p
            busy += 1
    if first < 0:
        return 0
    return last - first + 1 - busy


@inline_kernel
def _leaf_day(A, S, lf, d):
    """Unweighted (isolated meetings, idle gaps, lunch lost) of leaf group lf on day d."""
    P = A.dims[1]
    base = d * P
    occ = S.occ_l
    iso = 0
    idle = 0
    lunch = 0
    for p in range(P if A.weights[2] > 0 else 0):
        t = base + p
        for ln in A.lengths:
            n = S.leaf_starts[lf, t, ln]
            if n == 0:
                continue
            if p > 0 and occ[lf, t - 1] > 0:
                continue
            if p + ln < P and occ[lf, t + ln] > 0:
                continue
            iso += n
    if A.weights[4] > 0:
        idle = _gaps(occ[lf], base, P)
    if A.leaf_lunch[lf] and A.weights[5] > 0:
        busy_day = False
        lunch_free = False
        has_window = False
        for p in range(P):
            if occ[lf, base + p] > 0:
                busy_day = True
            if A.lunch_mask[p]:
                has_window = True
                if occ[lf, base + p] == 0:
                    lunch_free = True
        if busy_day and has_window and not lunch_free:
            lunch = 1
    return iso, idle, lunch


@inline_kernel
def _conflicts_at(A, S, c, i, t):
    """Classes other than c present at slot t that conflict with c (shared leaf or instructor i).

    `pres_i[i, t]` must not count c itself when this is called."""
    n = 0
    same = 0
    for k in range(A.cls_nb_ptr[c], A.cls_nb_ptr[c + 1]):
        c2 = A.cls_nb[k]
        if S.occ_c[c2, t] > 0:
            n += 1
            if i >= 0 and S.c_inst[c2] == i:
                same += 1
    if i >= 0:
        n += S.pres_i[i, t] - same
    return n


@kernel
def place(A, S, m, start, room, sign):
    """Add (sign=1) meeting m at (start, room), or remove it (sign=-1) from there."""
    P = A.dims[1]
    W = A.weights
    cost = S.cost
    c = A.meet_cls[m]
    ln = A.cls_len[c]
    i = S.c_inst[c]
    d = start // P
    lp0 = A.cls_leaf_ptr[c]
    lp1 = A.cls_leaf_ptr[c + 1]
    for k in range(lp0, lp1):
        lf = A.cls_leaf[k]
        cost[ISOLATED] -= W[2] * S.leaf_iso[lf, d]
        cost[IDLE_GAPS] -= W[4] * S.leaf_idle[lf, d]
        cost[LUNCH] -= W[5] * S.leaf_lunch[lf, d]
    if i >= 0:
        cost[IDLE_GAPS] -= W[4] * S.inst_idle[i, d]

    for t in range(start, start + ln):
        if sign > 0:
            if S.occ_c[c, t] >= 1:
                cost[CLASS_OVERLAPS] += 1
            S.occ_c[c, t] += 1
            if S.occ_c[c, t] == 1:
                cost[CONFLICTS] += _conflicts_at(A, S, c, i, t)
                if i >= 0:
                    S.pres_i[i, t] += 1
            if S.occ_r[room, t] >= 1:
                cost[ROOM_OCCUPANCY] += 1
            S.occ_r[room, t] += 1
            if i >= 0:
                if S.occ_i[i, t] == 0:
                    cost[PREFERRED_FREE] += W[6] * A.inst_pref[i, t]
                S.occ_i[i, t] += 1
        else:
            S.occ_c[c, t] -= 1
            if S.occ_c[c, t] >= 1:
                cost[CLASS_OVERLAPS] -= 1
            else:
                if i >= 0:
                    S.pres_i[i, t] -= 1
                cost[CONFLICTS] -= _conflicts_at(A, S, c, i, t)
            S.occ_r[room, t] -= 1
            if S.occ_r[room, t] >= 1:
                cost[ROOM_OCCUPANCY] -= 1
            if i >= 0:
                S.occ_i[i, t] -= 1
                if S.occ_i[i, t] == 0:
                    cost[PREFERRED_FREE] -= W[6] * A.inst_pref[i, t]
        unav = A.cls_unav[c, t] + A.room_unav[room, t]
        if i >= 0:
            unav += A.inst_unav[i, t]
        cost[AVAILABILITY] += sign * unav
        for k in range(lp0, lp1):
            S.occ_l[A.cls_leaf[k], t] += sign

    cost[ROOM_SUITABILITY] += sign * A.cls_room_bad[c, room]
    cost[ROOM_CAPACITY] += sign * W[0] * max(0, A.cls_students[c] - A.room_cap[room])
    old = max(0, A.cls_mwd[c] - S.c_ndays[c])
    S.c_day[c, d] += sign
    if sign > 0 and S.c_day[c, d] == 1:
        S.c_ndays[c] += 1
    elif sign < 0 and S.c_day[c, d] == 0:
        S.c_ndays[c] -= 1
    cost[MIN_WORKING_DAYS] += W[1] * (max(0, A.cls_mwd[c] - S.c_ndays[c]) - old)
    old = max(0, S.c_nrooms[c] - 1)
    S.c_roomcnt[c, room] += sign
    if sign > 0 and S.c_roomcnt[c, room] == 1:
        S.c_nrooms[c] += 1
    elif sign < 0 and S.c_roomcnt[c, room] == 0:
        S.c_nrooms[c] -= 1
    cost[ROOM_STABILITY] += W[3] * (max(0, S.c_nrooms[c] - 1) - old)

    if sign > 0:
        S.m_start[m] = start
        S.m_room[m] = room
    else:
        S.m_start[m] = -1
        S.m_room[m] = -1
    for k in range(lp0, lp1):
        lf = A.cls_leaf[k]
        S.leaf_starts[lf, start, ln] += sign
        iso, idle, lunch = _leaf_day(A, S, lf, d)
        S.leaf_iso[lf, d] = iso
        S.leaf_idle[lf, d] = idle
        S.leaf_lunch[lf, d] = lunch
        cost[ISOLATED] += W[2] * iso
        cost[IDLE_GAPS] += W[4] * idle
        cost[LUNCH] += W[5] * lunch
    if i >= 0 and W[4] > 0:
        S.inst_idle[i, d] = _gaps(S.occ_i[i], d * P, P)
        cost[IDLE_GAPS] += W[4] * S.inst_idle[i, d]


@kernel
def weighted(cost, hard_w):
    h = 0
    for k in range(N_HARD):
        h += cost[k]
    s = 0
    for k in range(N_HARD, N_COST):
        s += cost[k]
    return hard_w * h + s


@kernel
def _placement_violations(cost):
    """Hard cost that placement can change (all but the fixed no_instructor count)."""
    return cost[CONFLICTS] + cost[CLASS_OVERLAPS] + cost[ROOM_OCCUPANCY] + cost[AVAILABILITY] \
        + cost[ROOM_SUITABILITY]


@inline_kernel
def _room_free(A, S, r, s1, m):
    """Whether room r is available and unoccupied over meeting m's block at start s1, m's own
    occupancy aside."""
    ln = A.cls_len[A.meet_cls[m]]
    s0 = S.m_start[m]
    own = r == S.m_room[m]
    for t in range(s1, s1 + ln):
        if A.room_unav[r, t] or S.occ_r[r, t] - (1 if own and s0 <= t < s0 + ln else 0) > 0:
            return False
    return True


@kernel
def _free_room(A, S, m, s1):
    """A random suitable room that is free and available for meeting m's block at start s1
    (m's own occupancy aside), or any suitable room when none is."""
    c = A.meet_cls[m]
    p0 = A.cls_room_ptr[c]
    n = A.cls_room_ptr[c + 1] - p0
    off = np.random.randint(n)
    for q in range(n):
        r = A.cls_room[p0 + (off + q) % n]
        if _room_free(A, S, r, s1, m):
            return r
    return A.cls_room[p0 + off]


@kernel
def _any_free_room(A, S, m, s1):
    """A random room, suitable or not, that is free and available for meeting m's block at
    start s1, or -1."""
    R = A.dims[5]
    off = np.random.randint(R)
    for q in range(R):
        r = (off + q) % R
        if _room_free(A, S, r, s1, m):
            return r
    return -1


@njit(cache=True)
def balance_instructors(A, c_inst, n_iter, seed):
    """Annealing on the instructors alone (c_inst, in place): fewest periods taught beyond the
    instructors' free time, then the most even shares of free time taught. A period beyond an
    instructor's free time is a hard violation wherever its class goes, so the timetable search
    should start from as few as the classes allow."""
    np.random.seed(seed)
    C = A.dims[3]
    load = np.zeros(A.dims[6], np.int64)
    movable = np.empty(C, np.int64)
    n_movable = 0
    for c in range(C):
        if c_inst[c] >= 0:
            load[c_inst[c]] += _class_periods(A, c)
        if A.cls_inst_ptr[c + 1] - A.cls_inst_ptr[c] > 1:
            movable[n_movable] = c
            n_movable += 1
    if n_movable == 0:
        return
    temp = 2.0
    cooling = (0.01 / temp) ** (1.0 / n_iter)
    for _ in range(n_iter):
        temp *= cooling
        c = movable[np.random.randint(n_movable)]
        p0 = A.cls_inst_ptr[c]
        j = A.cls_inst[p0 + np.random.randint(A.cls_inst_ptr[c + 1] - p0)]
        i = c_inst[c]
        if i == j:
            continue
        need = _class_periods(A, c)
        d = (_load_cost(A, i, load[i] - need) + _load_cost(A, j, load[j] + need)
             - _load_cost(A, i, load[i]) - _load_cost(A, j, load[j]))
        if d <= 0 or np.random.random() < np.exp(-d / temp):
            load[i] -= need
            load[j] += need
            c_inst[c] = j


@inline_kernel
def _class_periods(A, c):
    return A.cls_len[c] * (A.cls_meet_ptr[c + 1] - A.cls_meet_ptr[c])


@inline_kernel
def _load_cost(A, i, load):
    """Periods beyond instructor i's free time dominate; the share of it taught, squared,
    spreads the rest."""
    share = load / max(A.inst_free[i], 1)
    return 100.0 * max(0, load - A.inst_free[i]) + share * share


@inline_kernel
def _overload_change(A, S, c, i, j):
    """How the periods taught beyond free time, over all instructors, change when class c
    passes from instructor i to j."""
    need = _class_periods(A, c)
    li = 0
    for q in range(A.inst_cls_ptr[i], A.inst_cls_ptr[i + 1]):
        if S.c_inst[A.inst_cls[q]] == i:
            li += _class_periods(A, A.inst_cls[q])
    lj = 0
    for q in range(A.inst_cls_ptr[j], A.inst_cls_ptr[j + 1]):
        if S.c_inst[A.inst_cls[q]] == j:
            lj += _class_periods(A, A.inst_cls[q])
    fi = A.inst_free[i]
    fj = A.inst_free[j]
    return (max(0, li - need - fi) + max(0, lj + need - fj)
            - max(0, li - fi) - max(0, lj - fj))


@kernel
def construct(A, S, order, hard_w, max_rooms, seed):
    """Greedy: place each meeting in `order` at the cheapest (start, room) among all starts and
    up to `max_rooms` of its suitable rooms; random noise breaks ties."""
    np.random.seed(seed)
    for m in order:
        c = A.meet_cls[m]
        ln = A.cls_len[c]
        r0 = A.cls_room_ptr[c]
        nr = A.cls_room_ptr[c + 1] - r0
        take = min(nr, max_rooms)
        off = np.random.randint(nr)
        best = np.inf
        best_s = -1
        best_r = -1
        for k in range(A.len_start_ptr[ln], A.len_start_ptr[ln + 1]):
            s = A.len_start[k]
            for q in range(take):
                r = A.cls_room[r0 + (off + q) % nr]
                before = weighted(S.cost, hard_w)
                place(A, S, m, s, r, 1)
                val = weighted(S.cost, hard_w) - before + np.random.random() * 0.5
                place(A, S, m, s, r, -1)
                if val < best:
                    best = val
                    best_s = s
                    best_r = r
        place(A, S, m, best_s, best_r, 1)


@kernel
def _in_violation(A, S, m):
    """Whether meeting m takes part in a hard violation (clash, double booking, availability,
    unsuitable room)."""
    c = A.meet_cls[m]
    s = S.m_start[m]
    r = S.m_room[m]
    i = S.c_inst[c]
    if A.cls_room_bad[c, r]:
        return True
    for t in range(s, s + A.cls_len[c]):
        if S.occ_c[c, t] > 1 or S.occ_r[r, t] > 1 or A.cls_unav[c, t] or A.room_unav[r, t]:
            return True
        if i >= 0 and A.inst_unav[i, t]:
            return True
        # c itself is counted in pres_i while present
        if _conflicts_at(A, S, c, i, t) - (1 if i >= 0 else 0) > 0:
            return True
    return False


@kernel
def _would_break(A, S, m, s1, r1, x):
    """For a feasible timetable (at its floor): whether moving meeting m to (s1, r1) would
    create a hard violation, with meeting x (or none if x < 0) taken out first, as in a swap.
    Cheap (no bookkeeping), so such moves are skipped instead of tried and undone."""
    c = A.meet_cls[m]
    if A.cls_room_bad[c, r1]:
        return True
    ln = A.cls_len[c]
    s0 = S.m_start[m]
    r0 = S.m_room[m]
    i = S.c_inst[c]
    cx = A.meet_cls[x] if x >= 0 else -1
    sx = S.m_start[x] if x >= 0 else -1
    ex = sx + A.cls_len[cx] if x >= 0 else -1
    rx = S.m_room[x] if x >= 0 else -1
    x_clashes = x >= 0 and cx != c and _clashes(A, S, c, cx, i)
    for t in range(s1, s1 + ln):
        if A.room_unav[r1, t] or A.cls_unav[c, t] or (i >= 0 and A.inst_unav[i, t]):
            return True
        own = s0 <= t < s0 + ln  # m itself holds t now
        gone = sx <= t < ex      # x holds t now and leaves
        rooms = S.occ_r[r1, t] - (1 if own and r1 == r0 else 0) - (1 if gone and rx == r1 else 0)
        if rooms > 0:
            return True
        if own:  # m already holds t: no new clash there
            continue
        if S.occ_c[c, t] - (1 if gone and cx == c else 0) > 0:
            return True
        if _conflicts_at(A, S, c, i, t) - (1 if gone and x_clashes else 0) > 0:
            return True
    return False


@kernel
def _clashes(A, S, c, c2, i):
    """Whether class c2 clashes with class c taught by i: a shared leaf group or instructor."""
    if i >= 0 and S.c_inst[c2] == i:
        return True
    for k in range(A.cls_nb_ptr[c], A.cls_nb_ptr[c + 1]):
        if A.cls_nb[k] == c2:
            return True
    return False


@kernel
def _pick_meeting(A, S, M):
    """A random meeting; while hard violations remain, usually one involved in them."""
    m = np.random.randint(M)
    if _placement_violations(S.cost) > A.floor[0] and np.random.random() < 0.5:
        for _ in range(20):
            if _in_violation(A, S, m):
                break
            m = np.random.randint(M)
    return m


@kernel
def _option(A, c, i):
    """Index into cls_inst of instructor i for class c, or -1."""
    for k in range(A.cls_inst_ptr[c], A.cls_inst_ptr[c + 1]):
        if A.cls_inst[k] == i:
            return k
    return -1


@kernel
def _pick_start(A, c, ln, i):
    """A random start for a block of class c, usually one where the class, instructor i and
    some suitable room are all available."""
    if np.random.random() < 0.9:
        k = _option(A, c, i) if i >= 0 else -1
        if k >= 0:
            p0, p1 = A.opt_start_ptr[k], A.opt_start_ptr[k + 1]
            if p1 > p0:
                return A.opt_start[p0 + np.random.randint(p1 - p0)]
        else:
            p0, p1 = A.cls_start_ptr[c], A.cls_start_ptr[c + 1]
            if p1 > p0:
                return A.cls_start[p0 + np.random.randint(p1 - p0)]
    p0 = A.len_start_ptr[ln]
    return A.len_start[p0 + np.random.randint(A.len_start_ptr[ln + 1] - p0)]


@kernel
def _move_class(A, S, c, j, new_starts, new_rooms):
    """Give class c instructor j and put its meetings at new_starts in new_rooms; new_starts < 0
    means: wherever the meeting then clashes least."""
    m0 = A.cls_meet_ptr[c]
    for m in range(m0, A.cls_meet_ptr[c + 1]):
        place(A, S, m, S.m_start[m], S.m_room[m], -1)
    S.c_inst[c] = j
    for m in range(m0, A.cls_meet_ptr[c + 1]):
        s, r = new_starts[m - m0], new_rooms[m - m0]
        if s < 0:
            s, r = _least_violating(A, S, m)
        place(A, S, m, s, r, 1)


@inline_kernel
def _meeting_at(A, S, c, t):
    """The meeting of class c that covers slot t (the class is present there)."""
    for m in range(A.cls_meet_ptr[c], A.cls_meet_ptr[c + 1]):
        s = S.m_start[m]
        if s <= t < s + A.cls_len[c]:
            return m
    return -1


@inline_kernel
def _n_candidates(A, S, c, i, t):
    """How many classes `_clashing_meeting` looks at for class c taught by i at slot t: the
    class itself, the classes sharing a leaf with it and, when i teaches at t, i's classes."""
    n = 1 + A.cls_nb_ptr[c + 1] - A.cls_nb_ptr[c]
    if i >= 0 and S.pres_i[i, t] > 0:
        n += A.inst_cls_ptr[i + 1] - A.inst_cls_ptr[i]
    return n


@inline_kernel
def _clashing_meeting(A, S, c, i, t, q):
    """The meeting at slot t of the q-th class that may clash with class c taught by i (see
    `_n_candidates`), or -1 when that class is not there or is one of i's classes that is c
    itself or now has another instructor."""
    n_nb = A.cls_nb_ptr[c + 1] - A.cls_nb_ptr[c]
    if q == 0:
        c2 = c
    elif q <= n_nb:
        c2 = A.cls_nb[A.cls_nb_ptr[c] + q - 1]
    else:
        c2 = A.inst_cls[A.inst_cls_ptr[i] + q - 1 - n_nb]
        if c2 == c or S.c_inst[c2] != i:
            return -1
    if S.occ_c[c2, t] == 0:
        return -1
    return _meeting_at(A, S, c2, t)


@kernel
def _kempe_chain(A, S, m, pair, chain, side, in_chain):
    """The Kempe chain of meeting m between the starts pair[0] (its own) and pair[1]: m, every
    meeting at pair[1] that clashes with it (shared leaf group, instructor or class), every
    meeting at pair[0] clashing with those, and so on; side[k] says where chain[k] is now.
    Returns the chain's length, or -1 when a clashing meeting has another block shape (it could
    not simply trade places) or the chain outgrows the buffers."""
    ln = A.cls_len[A.meet_cls[m]]
    in_chain[m] = True
    chain[0] = m
    side[0] = 0
    n = 1
    head = 0
    ok = True
    while head < n and ok:
        x = chain[head]
        cx = A.meet_cls[x]
        i = S.c_inst[cx]
        to_side = 1 - side[head]
        to = pair[to_side]
        for t in range(to, to + ln):
            for q in range(_n_candidates(A, S, cx, i, t)):
                y = _clashing_meeting(A, S, cx, i, t, q)
                if y < 0 or in_chain[y]:
                    continue
                if S.m_start[y] != to or A.cls_len[A.meet_cls[y]] != ln or n == chain.shape[0]:
                    ok = False
                    break
                in_chain[y] = True
                chain[n] = y
                side[n] = to_side
                n += 1
            if not ok:
                break
        head += 1
    for k in range(n):
        in_chain[chain[k]] = False
    return n if ok else -1


@kernel
def _kempe_apply(A, S, chain, side, n, pair, rooms):
    """Move every chain meeting to the other start of the pair; each keeps its room when that
    is free there, else takes a free suitable room. `rooms` receives the rooms they had."""
    for k in range(n):
        y = chain[k]
        rooms[k] = S.m_room[y]
        place(A, S, y, S.m_start[y], rooms[k], -1)
    for k in range(n):
        y = chain[k]
        to = pair[1 - side[k]]
        r = rooms[k] if _room_free(A, S, rooms[k], to, y) else _free_room(A, S, y, to)
        place(A, S, y, to, r, 1)


@kernel
def _kempe_undo(A, S, chain, side, n, pair, rooms):
    for k in range(n):
        y = chain[k]
        place(A, S, y, S.m_start[y], S.m_room[y], -1)
    for k in range(n):
        place(A, S, chain[k], pair[side[k]], rooms[k], 1)


@inline_kernel
def _collect_clashing(A, S, c, i, s1, chain, n, in_chain):
    """Append to chain[n:] every meeting not yet in the chain that a block of class c taught
    by i at start s1 would clash with (its own class, a shared leaf group, instructor i), and
    mark them in_chain. Returns the new length, and False if the buffer filled up first."""
    for t in range(s1, s1 + A.cls_len[c]):
        for q in range(_n_candidates(A, S, c, i, t)):
            y = _clashing_meeting(A, S, c, i, t, q)
            if y < 0 or in_chain[y]:
                continue
            if n == chain.shape[0]:
                return n, False
            in_chain[y] = True
            chain[n] = y
            n += 1
    return n, True


@kernel
def _eject(A, S, m, s1, chain, side, rooms, in_chain):
    """Move meeting m to start s1 (a free suitable room if there is one) and every meeting that
    then clashes with it (its own class, a shared leaf group, its instructor, and the room's
    occupants when no suitable room is free) to where that meeting clashes least. chain[:n]
    are the moved meetings (m first), side[:n] and rooms[:n] their old starts and rooms;
    returns n, or -1 (nothing moved) when the buffers are too small."""
    c = A.meet_cls[m]
    chain[0] = m
    in_chain[m] = True
    n, ok = _collect_clashing(A, S, c, S.c_inst[c], s1, chain, 1, in_chain)
    for k in range(n):
        in_chain[chain[k]] = False
    if not ok:
        return -1
    for k in range(n):
        y = chain[k]
        side[k] = S.m_start[y]
        rooms[k] = S.m_room[y]
        place(A, S, y, side[k], rooms[k], -1)
    r1 = _free_room(A, S, m, s1)
    if not _room_free(A, S, r1, s1, m) and _room_kind_needed(A, c):
        # Every room of the kind the class needs is taken then: the meetings in the one chosen
        # leave it too (they may suit other rooms).
        n = _collect_room(A, S, r1, s1, A.cls_len[c], chain, side, rooms, n)
    place(A, S, m, s1, r1, 1)
    for k in range(1, n):
        y = chain[k]
        s, r = _least_violating(A, S, y)
        place(A, S, y, s, r, 1)
    return n


@inline_kernel
def _room_kind_needed(A, c):
    """Whether only some rooms suit class c. Where every room suits every class (ITC), a
    period with no free room has no room to spare anyway, and room moves only shuffle."""
    return A.cls_room_ptr[c + 1] - A.cls_room_ptr[c] < A.dims[5]


@kernel
def _room_exchange(A, S, m, r1, chain, side, rooms):
    """Put meeting m in room r1 at its start; the meetings it displaces there each take a free
    suitable room at their own start (or, with none, a random suitable one). chain[:n] are the
    moved meetings (m first), side[:n] and rooms[:n] their old starts and rooms; returns n."""
    s0 = S.m_start[m]
    chain[0] = m
    side[0] = s0
    rooms[0] = S.m_room[m]
    place(A, S, m, s0, rooms[0], -1)
    n = _collect_room(A, S, r1, s0, A.cls_len[A.meet_cls[m]], chain, side, rooms, 1)
    place(A, S, m, s0, r1, 1)
    for k in range(1, n):
        y = chain[k]
        place(A, S, y, side[k], _free_room(A, S, y, side[k]), 1)
    return n


@kernel
def _collect_room(A, S, r, s1, ln, chain, side, rooms, n):
    """Take out every meeting in room r during [s1, s1 + ln), appending it to chain[n:] with
    its start and room in side and rooms, as far as the buffers hold. Returns the new length."""
    for y in range(A.dims[4]):
        if n == chain.shape[0]:
            break
        sy = S.m_start[y]
        if S.m_room[y] == r and sy < s1 + ln and s1 < sy + A.cls_len[A.meet_cls[y]]:
            chain[n] = y
            side[n] = sy
            rooms[n] = r
            place(A, S, y, sy, r, -1)
            n += 1
    return n


@kernel
def _eject_class(A, S, c, j, chain, side, rooms, in_chain):
    """Give class c instructor j; each of its meetings takes a new start (usually one where
    the class and j are available) and every meeting it then clashes with goes where it
    clashes least. chain[:n] are the moved meetings (c's first), side[:n] and rooms[:n] their
    old starts and rooms; returns n. Clashes beyond the buffers' room are left in place."""
    m0 = A.cls_meet_ptr[c]
    m1 = A.cls_meet_ptr[c + 1]
    for m in range(m0, m1):
        k = m - m0
        chain[k] = m
        side[k] = S.m_start[m]
        rooms[k] = S.m_room[m]
        in_chain[m] = True
        place(A, S, m, side[k], rooms[k], -1)
    S.c_inst[c] = j
    n = m1 - m0
    for m in range(m0, m1):
        s1 = _pick_start(A, c, A.cls_len[c], j)
        first = n
        n, _ = _collect_clashing(A, S, c, j, s1, chain, n, in_chain)
        for k in range(first, n):
            side[k] = S.m_start[chain[k]]
            rooms[k] = S.m_room[chain[k]]
            place(A, S, chain[k], side[k], rooms[k], -1)
        place(A, S, m, s1, _free_room(A, S, m, s1), 1)
        for k in range(first, n):
            s, r = _least_violating(A, S, chain[k])
            place(A, S, chain[k], s, r, 1)
    for k in range(n):
        in_chain[chain[k]] = False
    return n


@kernel
def _eject_undo(A, S, chain, side, rooms, n, c, i):
    """Put chain[:n] back at their old starts and rooms, class c back with instructor i."""
    for k in range(n):
        y = chain[k]
        place(A, S, y, S.m_start[y], S.m_room[y], -1)
    S.c_inst[c] = i
    for k in range(n):
        place(A, S, chain[k], side[k], rooms[k], 1)


@kernel
def _least_violating(A, S, m):
    """For meeting m, already taken out: the start and room where it would take part in the
    fewest hard violations (clashes, availability, no free suitable room), ties broken at
    random, among the starts where its class, instructor and a suitable room are available
    (all starts of its length when there are none)."""
    c = A.meet_cls[m]
    ln = A.cls_len[c]
    i = S.c_inst[c]
    k = _option(A, c, i) if i >= 0 else -1
    if k >= 0 and A.opt_start_ptr[k + 1] > A.opt_start_ptr[k]:
        arr, p0, p1 = A.opt_start, A.opt_start_ptr[k], A.opt_start_ptr[k + 1]
    else:
        arr, p0, p1 = A.len_start, A.len_start_ptr[ln], A.len_start_ptr[ln + 1]
    best = 1 << 30
    best_s = -1
    best_r = -1
    ties = 0
    for q in range(p0, p1):
        s = arr[q]
        v = 0
        for t in range(s, s + ln):
            v += S.occ_c[c, t] + _conflicts_at(A, S, c, i, t) + A.cls_unav[c, t]
            if i >= 0:
                v += A.inst_unav[i, t]
        if v > best:
            continue
        r = _free_room(A, S, m, s)
        if not _room_free(A, S, r, s, m):
            v += 1
            if ln > 1:
                # A longer block double-booked is a violation per period, in a free room of
                # the wrong kind only one.
                r2 = _any_free_room(A, S, m, s)
                if r2 >= 0:
                    r = r2
        if v < best:
            best = v
            best_s = s
            best_r = r
            ties = 1
        elif v == best:
            ties += 1
            if np.random.randint(ties) == 0:
                best_s = s
                best_r = r
    return best_s, best_r


@kernel
def _accept(A, cost, cur_h, cur_s, temp, hard_w, hard_temp, extra=0):
    """Metropolis acceptance of the move that led to `cost` from hard cur_h, soft cur_s.

    From a feasible timetable (one with no more violations than the proven floor, A.floor) the
    cost is hard_w * hard + soft at the temperature. From an infeasible one, hard decides
    first, at its own temperature hard_temp (a few violations more are accepted, which lets the
    search out of local minima of the hard cost), and soft only breaks ties; `extra` is added
    to the hard change (only infeasible timetables pass any)."""
    dh = _placement_violations(cost) - cur_h + extra
    ds = weighted(cost, 0) - cur_s
    if cur_h <= A.floor[0]:
        delta = hard_w * dh + ds
        return delta <= 0 or np.random.random() < np.exp(-delta / temp)
    if dh < 0:
        return True
    if dh > 0:
        return np.random.random() < np.exp(-dh / hard_temp)
    return ds <= 0 or np.random.random() < np.exp(-ds / temp)


@inline_kernel
def _try_move(A, S, m, s1, r1, cur_h, cur_s, temp, hard_w, hard_temp):
    """Move meeting m to (s1, r1), keep it if accepted, else put it back. Returns the (hard,
    soft) after."""
    s0 = S.m_start[m]
    r0 = S.m_room[m]
    place(A, S, m, s0, r0, -1)
    place(A, S, m, s1, r1, 1)
    if _accept(A, S.cost, cur_h, cur_s, temp, hard_w, hard_temp):
        return _placement_violations(S.cost), weighted(S.cost, 0)
    place(A, S, m, s1, r1, -1)
    place(A, S, m, s0, r0, 1)
    return cur_h, cur_s


@njit(cache=True)
def anneal(A, S, n_iter, temp0, temp1, hard_w, seed):
    """Simulated annealing for n_iter moves, temperature geometric from temp0 to temp1.

    Moves: move a meeting to another start (and maybe room), change its room, swap the
    (start, room) of two meetings of the same length, change a class's instructor, or a Kempe
    chain; while infeasible also min-conflicts repairs and ejections."""
    M = A.dims[4]
    chain = np.empty(min(M, KEMPE_MAX), np.int64)
    side = np.empty(min(M, KEMPE_MAX), np.int64)
    rooms = np.empty(min(M, KEMPE_MAX), np.int64)
    in_chain = np.zeros(M, np.bool_)
    pair = np.empty(2, np.int64)
    longest = np.diff(A.cls_meet_ptr).max() if A.dims[3] > 0 else 0
    class_meetings = np.empty((3, longest), np.int64)  # old starts, old rooms, new starts
    return _anneal(A, S, n_iter, temp0, temp1, hard_w, seed, chain, side, rooms, in_chain, pair,
                   class_meetings)


@kernel
def _anneal(A, S, n_iter, temp0, temp1, hard_w, seed, chain, side, rooms, in_chain, pair,
            class_meetings):
    np.random.seed(seed)
    M = A.dims[4]
    # Accept a hard violation more with probability about 6 / M: enough to leave local minima,
    # few enough that repairs keep up on big instances.
    hard_temp = 1.0 / np.log(max(M / 6.0, 2.0))
    cur_h = _placement_violations(S.cost)
    cur_s = weighted(S.cost, 0)
    cooling = (temp1 / temp0) ** (1.0 / max(1, n_iter))
    temp = temp0 / cooling
    for it in range(n_iter):
        temp *= cooling
        feasible = _placement_violations(S.cost) <= A.floor[0]
        m = _pick_meeting(A, S, M)
        c = A.meet_cls[m]
        ln = A.cls_len[c]
        s0 = S.m_start[m]
        r0 = S.m_room[m]
        u = np.random.random()
        if not feasible and u < REPAIR_SHARE:
            # Min-conflicts repair: the meeting goes where it clashes least.
            place(A, S, m, s0, r0, -1)
            s1, r1 = _least_violating(A, S, m)
            place(A, S, m, s0, r0, 1)
            cur_h, cur_s = _try_move(A, S, m, s1, r1, cur_h, cur_s, temp, hard_w, hard_temp)
        elif u < 0.3:
            p0 = A.len_meet_ptr[ln]
            n = A.len_meet_ptr[ln + 1] - p0
            m2 = A.len_meet[p0 + np.random.randint(n)]
            if m2 == m:
                continue
            s2 = S.m_start[m2]
            r2 = S.m_room[m2]
            if s2 == s0 and r2 == r0:
                continue
            if feasible and (_would_break(A, S, m, s2, r2, m2) or _would_break(A, S, m2, s0, r0, m)):
                continue
            place(A, S, m, s0, r0, -1)
            place(A, S, m2, s2, r2, -1)
            place(A, S, m, s2, r2, 1)
            place(A, S, m2, s0, r0, 1)
            if _accept(A, S.cost, cur_h, cur_s, temp, hard_w, hard_temp):
                cur_h = _placement_violations(S.cost)
                cur_s = weighted(S.cost, 0)
            else:
                place(A, S, m, s2, r2, -1)
                place(A, S, m2, s0, r0, -1)
                place(A, S, m, s0, r0, 1)
                place(A, S, m2, s2, r2, 1)
        elif u < 0.35 and A.cls_inst_ptr[c + 1] - A.cls_inst_ptr[c] > 1:
            # Another instructor, and the class's meetings moved to times that suit them.
            i0 = S.c_inst[c]
            p0 = A.cls_inst_ptr[c]
            j = A.cls_inst[p0 + np.random.randint(A.cls_inst_ptr[c + 1] - p0)]
            if j == i0:
                continue
            # While infeasible, a period taught beyond free time counts twice: it is a
            # violation wherever the class goes, while the clashes of a class moved to a
            # better-suited instructor take further moves to clear.
            extra = 0 if feasible else _overload_change(A, S, c, i0, j)
            m0 = A.cls_meet_ptr[c]
            nm = A.cls_meet_ptr[c + 1] - m0
            old_starts = class_meetings[0, :nm]
            old_rooms = class_meetings[1, :nm]
            new_starts = class_meetings[2, :nm]
            if not feasible and nm < chain.shape[0] and np.random.random() < EJECT_CLASS_SHARE:
                # Each meeting takes a start that suits j, and whatever it then clashes with
                # goes where it clashes least.
                n = _eject_class(A, S, c, j, chain, side, rooms, in_chain)
                if _accept(A, S.cost, cur_h, cur_s, temp, hard_w, hard_temp, extra):
                    cur_h = _placement_violations(S.cost)
                    cur_s = weighted(S.cost, 0)
                else:
                    _eject_undo(A, S, chain, side, rooms, n, c, i0)
                continue
            # While infeasible, half the time every meeting goes where it then clashes least.
            repair = not feasible and np.random.random() < 0.5
            for k in range(nm):
                old_starts[k] = new_starts[k] = S.m_start[m0 + k]
                old_rooms[k] = S.m_room[m0 + k]
                if repair:
                    new_starts[k] = -1
                elif np.random.random() < 0.5:
                    new_starts[k] = _pick_start(A, c, ln, j)
            _move_class(A, S, c, j, new_starts, old_rooms)
            if _accept(A, S.cost, cur_h, cur_s, temp, hard_w, hard_temp, extra):
                cur_h = _placement_violations(S.cost)
                cur_s = weighted(S.cost, 0)
            else:
                _move_class(A, S, c, i0, old_starts, old_rooms)
        elif not feasible and EJECT_FROM <= u < EJECT_TO:
            # Ejection: the meeting takes a new start, whatever it then clashes with goes where
            # it clashes least.
            s1 = _pick_start(A, c, ln, S.c_inst[c])
            if s1 == s0:
                continue
            n = _eject(A, S, m, s1, chain, side, rooms, in_chain)
            if n < 0:
                continue
            if _accept(A, S.cost, cur_h, cur_s, temp, hard_w, hard_temp):
                cur_h = _placement_violations(S.cost)
                cur_s = weighted(S.cost, 0)
            else:
                _eject_undo(A, S, chain, side, rooms, n, c, S.c_inst[c])
        elif KEMPE_FROM <= u < KEMPE_TO:
            # Trade places with everything that clashes at the new start, transitively.
            pair[0] = s0
            pair[1] = _pick_start(A, c, ln, S.c_inst[c])
            if pair[1] < s0 + ln and s0 < pair[1] + ln:
                continue
            n = _kempe_chain(A, S, m, pair, chain, side, in_chain)
            if n < 0:
                continue
            _kempe_apply(A, S, chain, side, n, pair, rooms)
            if _accept(A, S.cost, cur_h, cur_s, temp, hard_w, hard_temp):
                cur_h = _placement_violations(S.cost)
                cur_s = weighted(S.cost, 0)
            else:
                _kempe_undo(A, S, chain, side, n, pair, rooms)
        else:
            if u < 0.45:
                s1 = s0
                r1 = _free_room(A, S, m, s0)
                if (not feasible and r1 != r0 and _room_kind_needed(A, c)
                        and not _room_free(A, S, r1, s0, m)):
                    # No suitable room is free: take one, and its occupants take other free
                    # rooms that suit them, at the same times.
                    n = _room_exchange(A, S, m, r1, chain, side, rooms)
                    if _accept(A, S.cost, cur_h, cur_s, temp, hard_w, hard_temp):
                        cur_h = _placement_violations(S.cost)
                        cur_s = weighted(S.cost, 0)
                    else:
                        _eject_undo(A, S, chain, side, rooms, n, c, S.c_inst[c])
                    continue
            else:
                s1 = _pick_start(A, c, ln, S.c_inst[c])
                r1 = r0 if np.random.random() < 0.5 else _free_room(A, S, m, s1)
            if s1 == s0 and r1 == r0:
                continue
            if feasible and _would_break(A, S, m, s1, r1, -1):
                continue
            cur_h, cur_s = _try_move(A, S, m, s1, r1, cur_h, cur_s, temp, hard_w, hard_temp)
    return weighted(S.cost, hard_w)
