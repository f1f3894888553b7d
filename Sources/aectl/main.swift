// aectl: the operator's command line for aed. All commands live in AECTLKit.
import AECTLKit

AECTL.runFromCommandLine()
