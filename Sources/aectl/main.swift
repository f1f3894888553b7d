// aectl: the operator's command line for aed. All commands live in AECTLKit.
import AECTLKit
import Tensor

BLASKernel.ensureCapableKernel(arguments: CommandLine.arguments)
AECTL.runFromCommandLine()
