"""``casim report RESULT_DIR``: one self-contained HTML page of a ``casim run`` output
directory, written into it as ``report.html``. The figures are embedded as base64 PNGs,
the tables are inline, and nothing is loaded from the network: the page opens in a
browser from the file system."""

from __future__ import annotations

import base64
import html
import io
import json
from pathlib import Path
from typing import Any

import pandas as pd
from matplotlib.axes import Axes

from casim._version import __version__
from casim.files import write_text_atomic
from casim.present.plot_run import draw
from casim.present.plotting import save
from casim.present.run_dir import CHUNK_ROWS, EventTally, RunDir, read_result_dir

__all__ = ["write_report"]

_STYLE = """
body { font-family: system-ui, sans-serif; max-width: 1100px; margin: 2em auto; color: #222; }
h1 { font-size: 1.6em; } h2 { font-size: 1.25em; margin-top: 2em; border-bottom: 1px solid #ccc; }
table { border-collapse: collapse; font-size: 0.85em; margin: 0.5em 0; }
th, td { border: 1px solid #ccc; padding: 2px 8px; text-align: right; }
th { background: #f2f2f2; } td:first-child, th:first-child { text-align: left; }
img { max-width: 100%; } pre { background: #f7f7f7; padding: 1em; overflow-x: auto;
font-size: 0.8em; } .note { color: #555; font-size: 0.9em; }
"""


def _png(ax: Axes) -> str:
    buf = io.BytesIO()
    save(ax, buf, "png")
    data = base64.b64encode(buf.getvalue()).decode("ascii")
    return f'<img alt="figure" src="data:image/png;base64,{data}">'


def _table(frame: pd.DataFrame) -> str:
    return frame.to_html(index=False, float_format=lambda x: f"{x:.3f}", border=0)


def write_report(result_dir: Path, *, chunk_rows: int = CHUNK_ROWS) -> Path:
    """Write ``result_dir/report.html`` and return its path; the tables are read
    ``chunk_rows`` rows at a time."""
    result_dir = Path(result_dir)
    data = read_result_dir(result_dir, chunk_rows=chunk_rows)
    runs = int(data.index["run"].nunique())
    summary = _index_summary(data.index, data.weights)
    counts = _event_counts(data.tally)
    signers = _signers(data.tally, runs)
    figures = _figures(data)
    parts = [
        *_page_head(data, runs),
        *_figure_sections(figures),
        *_table_sections(summary, signers, counts),
        *_manifest_section(data.manifest),
        "</body></html>",
    ]
    out = result_dir / "report.html"
    write_text_atomic(out, "\n".join(parts) + "\n")
    return out


def _index_summary(index: pd.DataFrame, weights: dict[str, float]) -> pd.DataFrame:
    """Per year: whether it is pinned, the index's 5%, 50% and 95% quantiles over runs and
    the mean of each component."""
    by_year = index.groupby("year")["index"]
    return pd.DataFrame(
        {
            "year": sorted(index["year"].unique()),
            "pinned": index.groupby("year")["pinned"].all().to_numpy(),
            "index 5%": by_year.quantile(0.05).to_numpy(),
            "median": by_year.median().to_numpy(),
            "index 95%": by_year.quantile(0.95).to_numpy(),
            **{c: index.groupby("year")[c].mean().to_numpy() for c in weights},
        }
    )


def _event_counts(tally: EventTally) -> pd.DataFrame:
    """Events per kind (rows) and origin (columns), over all runs."""
    if not tally.kinds:
        return pd.DataFrame()
    keys = sorted(tally.kinds)
    sizes = pd.Series(
        [tally.kinds[k] for k in keys],
        index=pd.MultiIndex.from_tuples(keys, names=["kind", "origin"]),
        dtype="int64",
    )
    counts = sizes.unstack(fill_value=0).reset_index()
    counts.columns.name = None
    return counts


def _signers(tally: EventTally, runs: int) -> pd.DataFrame:
    """Per document and state: the runs in which it signed, their share and the first
    year of signature."""
    keys = sorted(tally.signed)
    signers = pd.DataFrame(
        {
            "document": [doc for doc, _ in keys],
            "state": [state for _, state in keys],
            "runs": pd.Series([tally.signed[k] for k in keys], dtype="int64"),
            "first": pd.Series([tally.first[k] for k in keys], dtype="str"),
        }
    )
    signers["share of runs"] = signers["runs"] / runs
    return signers


def _figures(data: RunDir) -> list[tuple[str, Axes]]:
    """Each figure of the directory's kinds (``RunDir.kinds``) under its heading: the
    timeline of the first run, the relations at the end of the default year."""
    last = data.default_year
    first_run = data.first_run
    headings = {
        "fan": "Integration index",
        "components": "Components of the index",
        "stances": "Leaders' disposition",
        "timeline": f"Events of run {first_run}",
        "relations": f"Border tension, end of {last}",
        "pairs": "Relations of neighbouring pairs",
        "treaties": "The treaty network",
        "borders": "Border stages per line",
    }
    return [
        (headings[kind], draw(data, kind, run=first_run, year=last, named=False))
        for kind in data.kinds
    ]


def _page_head(data: RunDir, runs: int) -> list[str]:
    """The page's head, its title and a note on the runs, the window and the directory."""
    esc = html.escape
    manifest, name = data.manifest, data.name
    window = manifest["window"]
    return [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>casim report: {esc(name)}</title><style>{_STYLE}</style></head><body>",
        f"<h1>casim report: {esc(name)}</h1>",
        f'<p class="note">{runs} run(s), seed {esc(str(manifest.get("seed")))}; history '
        f"imposed to {window['pin_until']}, exogenous events known to "
        f"{window['known_until']}, simulated to {window['until']}. casim "
        f"{esc(str(manifest.get('casim_version', __version__)))}; directory "
        f"<code>{esc(str(data.path))}</code>.</p>",
    ]


def _figure_sections(figures: list[tuple[str, Axes]]) -> list[str]:
    """A section per figure: its heading and the figure as an embedded PNG."""
    parts: list[str] = []
    for title, ax in figures:
        parts += [f"<h2>{html.escape(title)}</h2>", _png(ax)]
    return parts


def _table_sections(
    summary: pd.DataFrame, signers: pd.DataFrame, counts: pd.DataFrame
) -> list[str]:
    """The sections of tables: the index per year, the signatures, the events."""
    return [
        "<h2>Index per year</h2>",
        '<p class="note">Quantiles of the index over runs; components are means (0-1).</p>',
        _table(summary),
        "<h2>Signatures</h2>",
        _table(signers) if len(signers) else "<p>none</p>",
        "<h2>Events by kind and origin</h2>",
        _table(counts) if len(counts) else "<p>none</p>",
    ]


def _manifest_section(manifest: dict[str, Any]) -> list[str]:
    """The manifest, folded, as indented JSON."""
    return [
        "<h2>Manifest</h2>",
        "<details><summary>resolved scenario, seeds, versions, command</summary><pre>",
        html.escape(json.dumps(manifest, indent=2, sort_keys=True)),
        "</pre></details>",
    ]
