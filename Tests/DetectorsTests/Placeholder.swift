// Tests of Detectors; added by the issue that builds it.
