// Tests of Store; added by the issue that builds it.
