import Foundation
print("aed: not built yet")
