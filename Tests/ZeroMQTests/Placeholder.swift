// Tests of ZeroMQ; added by the issue that builds it.
