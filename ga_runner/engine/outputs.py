"""What a run leaves in its output directory: schedule.json, calendar.png, convergence.png."""
from __future__ import annotations

import json
import os

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from .. import RESULT_FORMAT  # noqa: E402
from .analysis import Analysis  # noqa: E402
from .model import Model  # noqa: E402

# calendar.png shows this many top-level groups; further pages go to calendar-2.png, ...
GROUPS_PER_PAGE = 12


def assignments(model: Model, m_start, m_room, c_inst) -> list:
    A = model.arrays
    out = []
    for c, cls in enumerate(model.classes):
        i = int(c_inst[c])
        for k, m in enumerate(range(A.cls_meet_ptr[c], A.cls_meet_ptr[c + 1])):
            s = int(m_start[m])
            out.append({
                "class": cls["id"], "course": cls["course"], "kind": cls.get("kind"),
                "groups": list(cls["groups"]), "meeting": k, "day": s // model.P,
                "period": s % model.P, "length": int(A.cls_len[c]),
                "room": model.room_ids[int(m_room[m])],
                "instructor": model.inst_ids[i] if i >= 0 else None,
            })
    return out


def write_schedule(path: str, model: Model, problem_sha256: str, status: str, cost: dict,
                   violations: list, items: list, analysis: Analysis, stats: dict) -> dict:
    result = {
        "format": RESULT_FORMAT,
        "problem": {"name": model.name, "sha256": problem_sha256},
        "status": status,
        "hard": sum(cost["hard"].values()),
        "soft": sum(cost["soft"].values()),
        "cost": cost,
        "assignments": items,
        "violations": violations,
        "unsatisfiable": analysis.unsatisfiable,
        "hard_floor": analysis.hard_floor,
        "stats": stats,
    }
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(result, f, indent=1)
    os.replace(tmp, path)
    return result


def write_convergence(path: str, history: list, title: str) -> None:
    """Best hard and soft cost of the population against elapsed seconds."""
    xs = [h[0] for h in history]
    fig, (ax_h, ax_s) = plt.subplots(2, 1, figsize=(8, 6), sharex=True)
    ax_h.step(xs, [h[1] for h in history], where="post", color="tab:red")
    ax_h.set_ylabel("best hard cost")
    ax_s.step(xs, [h[2] for h in history], where="post", color="tab:blue")
    ax_s.set_ylabel("best soft cost")
    ax_s.set_xlabel("seconds")
    ax_h.set_title("Convergence — %s" % title)
    for ax in (ax_h, ax_s):
        ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)


def write_calendars(out_dir: str, model: Model, items: list, max_pages=None) -> list:
    """One weekly grid per top-level group (with everything its subgroups attend), twelve per
    image: calendar.png, then calendar-2.png, ... (at most max_pages). Returns the file names
    written."""
    parents = {g["id"]: g.get("parent") for g in model.groups}

    def root(g):
        while parents.get(g):
            g = parents[g]
        return g

    roots = [g for g in model.group_ids if not parents.get(g)]
    by_root = {g: [] for g in roots}
    for it in items:
        for g in sorted({root(g) for g in it["groups"]}):
            by_root[g].append(it)
    shown = [g for g in roots if by_root[g]] or roots[:1]
    pages = [shown[k:k + GROUPS_PER_PAGE] for k in range(0, len(shown), GROUPS_PER_PAGE)] or [[]]
    pages = pages[:max_pages]
    names = []
    for n, page in enumerate(pages):
        name = "calendar.png" if n == 0 else "calendar-%d.png" % (n + 1)
        _calendar_page(os.path.join(out_dir, name), model, page, by_root, parents, root)
        names.append(name)
    return names


def _calendar_page(path, model, page, by_root, parents, root):
    cols = min(3, max(1, len(page)))
    rows = max(1, (len(page) + cols - 1) // cols)
    D, P = model.D, model.P
    fig, axes = plt.subplots(rows, cols, figsize=(6.5 * cols, 0.45 * P * rows + 1.2 * rows),
                             squeeze=False)
    for ax in axes.flat:
        ax.axis("off")
    for ax, g in zip(axes.flat, page):
        ax.axis("on")
        ax.set_xlim(0, D)
        ax.set_ylim(P, 0)
        ax.set_xticks([d + 0.5 for d in range(D)])
        ax.set_xticklabels([d if len(d) <= 10 else d[:3] for d in model.days], fontsize=7)
        ax.set_yticks([p + 0.5 for p in range(P)])
        ax.set_yticklabels(_period_labels(model), fontsize=6)
        ax.tick_params(length=0)
        for d in range(1, D):
            ax.axvline(d, color="0.7", lw=0.6)
        ax.set_title(g, fontsize=9)
        for d in range(D):
            day_items = sorted((it for it in by_root[g] if it["day"] == d),
                               key=lambda it: (it["period"], it["class"]))
            lanes = []  # end period of the last item in each lane
            placed = []
            for it in day_items:
                for k, end in enumerate(lanes):
                    if end <= it["period"]:
                        lanes[k] = it["period"] + it["length"]
                        break
                else:
                    k = len(lanes)
                    lanes.append(it["period"] + it["length"])
                placed.append((k, it))
            width = 1.0 / max(1, len(lanes))
            for k, it in placed:
                sub = [x for x in it["groups"] if parents.get(x)]
                label = "%s\n%s%s" % (it["course"], it["room"], ("\n" + ",".join(sub)) if sub else "")
                ax.add_patch(plt.Rectangle((d + k * width + 0.02, it["period"] + 0.05),
                                           width - 0.04, it["length"] - 0.1,
                                           facecolor=_colour(it["course"]), edgecolor="0.3",
                                           lw=0.5))
                ax.text(d + (k + 0.5) * width, it["period"] + it["length"] / 2, label,
                        ha="center", va="center", fontsize=5 if len(lanes) > 1 else 6,
                        clip_on=True)
    fig.suptitle("%s — weekly timetable by group" % (model.name or "timetable"), fontsize=11)
    # A fixed layout: tight_layout costs a second per page on a big campus.
    fig.subplots_adjust(left=0.05, right=0.99, bottom=0.04, top=0.93, wspace=0.15, hspace=0.35)
    fig.savefig(path, dpi=90)
    plt.close(fig)


def _period_labels(model):
    out = []
    for p in model.doc["periods"]:
        out.append("%s %s" % (p["name"], p["start"]) if p.get("start") else p["name"])
    return out


def _colour(key: str):
    h = sum(ord(ch) * 31 ** k for k, ch in enumerate(key)) % 360
    return matplotlib.colors.hsv_to_rgb((h / 360.0, 0.35, 0.95))
