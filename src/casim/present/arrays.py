"""A result's panels as one ``xarray.Dataset`` (the optional ``xarray`` extra).

Dimensions: ``run`` and ``year`` for the index and its components, ``run x year x state``
for the state panel (numeric columns only), ``run x year x pair`` for the pair panel
(pairs named ``A-B``). Missing cells are NaN.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

if TYPE_CHECKING:
    from casim.api import Result

__all__ = ["XARRAY_MISSING", "to_dataset"]

#: The one-line message when the extra is not installed.
XARRAY_MISSING = "the xarray output needs the xarray extra: pip install 'casim[xarray]'"


def _numeric(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """The frame indexed by ``keys`` with its numeric (and boolean, as 0/1) columns."""
    cols = [
        c
        for c in frame.columns
        if c not in keys
        and c != "seed"
        and (pd.api.types.is_numeric_dtype(frame[c]) or pd.api.types.is_bool_dtype(frame[c]))
    ]
    out = frame.set_index(keys)[cols]
    return out.astype(float)


def to_dataset(result: Result) -> Any:
    """The index (run x year), state panel (run x year x state) and pair panel
    (run x year x pair) of a result as one ``xarray.Dataset``; the pair panel's variables
    are prefixed ``pair_``, the state panel's ``state_`` where a name would clash."""
    try:
        import xarray as xr
    except ImportError:
        raise ImportError(XARRAY_MISSING) from None
    index = _numeric(result.index, ["run", "year"])
    ds = xr.Dataset.from_dataframe(index)
    if len(result.panel):
        panel = _numeric(result.panel, ["run", "year", "state"])
        panel.columns = [f"state_{c}" if c in ds else c for c in panel.columns]
        ds = ds.merge(xr.Dataset.from_dataframe(panel))
    dyads = result.dyads
    if len(dyads):
        frame = dyads.assign(pair=dyads["a"] + "-" + dyads["b"]).drop(columns=["a", "b"])
        pairs = _numeric(frame, ["run", "year", "pair"])
        pairs.columns = [f"pair_{c}" for c in pairs.columns]
        ds = ds.merge(xr.Dataset.from_dataframe(pairs))
    ds.attrs["scenario"] = result.scenario.name
    ds.attrs["seed"] = result.seed
    return ds
