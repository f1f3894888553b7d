// Tests of Daemon; added by the issue that builds it.
