import sys

from .cli import main

try:
    code = main()
except KeyboardInterrupt:  # a signal that lands after main() has already reported one
    code = 130
sys.exit(code)
