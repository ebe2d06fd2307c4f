# Harness self-test: a suite whose test passes.
# timeout: 60
t "deliberate pass" true
