"""Analysis of ensembles: scoring against the record, forecasts, calibration, paired
comparison of scenarios and sensitivity analysis of stored sweeps."""
