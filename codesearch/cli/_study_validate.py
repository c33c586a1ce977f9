"""``codesearch study validate`` and the printing of a study's validation (used by best, status)."""

from __future__ import annotations

import argparse

from ._base import err_console, nonneg_int, out_console, positive_int, print_json
from ._study_common import StudySubcommand


def _pct(v) -> str:
    return "-" if v is None else f"{100 * v:.2f}"


def print_ranking(record: dict) -> None:
    """The validated ranking (mean and CI of the first objective, verdict vs the paper's default) on stdout."""
    from rich.table import Table

    conf = round(100 * record["compare"]["confidence"])
    t = Table(
        title=f"validated on {len(record['seeds'])} fresh seeds {record['seeds'][0]}..{record['seeds'][-1]}: "
        f"{record['primary']} (in %, {conf}% CI), verdict vs the paper's default (Holm-corrected)",
        title_justify="left",
    )
    for col in ("rank", "trial", f"{record['primary']} mean", f"{conf}% CI", "p (Holm)", "verdict"):
        t.add_column(col, justify="right" if col not in ("verdict",) else "left")
    for i, r in enumerate(record["ranking"], 1):
        ci = "-" if r["ci_low"] is None else f"[{_pct(r['ci_low'])}, {_pct(r['ci_high'])}]"
        p = "-" if r["t_p_holm"] is None else f"{r['t_p_holm']:.3g}"
        verdict = (
            "paper default (reference)"
            if r["paper_default"]
            else (
                r["verdict"]
                if r["verdict"] != "no detectable difference"
                else f"no detectable difference at {r['n']} seeds"
            )
        )
        t.add_row(str(i), str(r["trial"]), _pct(r["mean"]), ci, p, verdict)
    out_console.print(t)
    out_console.print(f"verdict: {record['statement']}", soft_wrap=True)


def print_noise_floor(floor: dict | None) -> None:
    if not floor:
        return
    parts = ", ".join(f"{m} {100 * v['sd']:.2f}" for m, v in floor["metrics"].items() if "." not in m)
    out_console.print(
        f"noise floor (sd among seeds, in % points; from {floor['source']}: {floor['configurations']} "
        f"configuration(s) x {floor['seeds']} seeds): {parts}",
        soft_wrap=True,
    )


class Validate(StudySubcommand):
    """``study validate NAME --top K --seeds S``."""

    name = "validate"
    help = (
        "Re-run the K best trials and the paper's default (trial 0) on S fresh seeds (paired, as "
        "'compare'); store means, CIs and Holm-corrected verdicts in the study."
    )

    def add_arguments(self, p: argparse.ArgumentParser) -> None:
        super().add_arguments(p)
        p.add_argument("--top", type=positive_int, default=3, help="how many of the best trials (default 3)")
        p.add_argument(
            "--seeds", type=positive_int, default=5, help="fresh torch seeds per trial (default 5, >= 2)"
        )
        p.add_argument(
            "--first-seed",
            type=nonneg_int,
            help="first fresh seed (default: the one after the trials' own seeds)",
        )
        p.add_argument(
            "--jobs", "-j", type=positive_int, default=1, help="trainings at once, one process each"
        )
        p.add_argument(
            "--threads", type=positive_int, help="torch threads per training (default 1 with --jobs > 1)"
        )
        p.add_argument("--device", default="cpu", help="torch device of the runs (default cpu)")
        p.add_argument("--data-root", help="dataset folder on this machine (cifar, imagefolder)")
        p.add_argument(
            "--out",
            help="folder of the validation runs (default runs/NAME/validate); finished runs are reused",
        )
        p.add_argument("--force", action="store_true", help="retrain run folders made with other settings")
        p.add_argument("--json", action="store_true", help="print the stored validation record on stdout")

    def run(self, args: argparse.Namespace) -> int:
        from ..study import open_study, validate_study
        from ._compare import run_progress

        handle = open_study(args.name, args.storage)
        try:
            record = validate_study(
                handle,
                top=args.top,
                seeds=args.seeds,
                first_seed=args.first_seed,
                out_dir=args.out,
                jobs=args.jobs,
                threads=args.threads,
                device=args.device,
                data_root=args.data_root,
                force=args.force,
                progress=run_progress,
            )
        finally:
            handle.close()
        if args.json:
            print_json(record)
        else:
            print_ranking(record)
        err_console.print(f"stored the validation in study {args.name!r}; runs in {record['out']}")
        return 0
