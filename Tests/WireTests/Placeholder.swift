// Tests of Wire; added by the issue that builds it.
