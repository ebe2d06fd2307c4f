# Harness self-test: a suite with one deliberately failing test.
# timeout: 60
t "deliberate failure" false
