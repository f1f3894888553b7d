// Tests of AECTL; added by the issue that builds it.
