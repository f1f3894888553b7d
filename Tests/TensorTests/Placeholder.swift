// Tests of Tensor; added by the issue that builds it.
