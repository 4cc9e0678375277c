# The fuzz harnesses: fuzz/<name>_fuzzer.cpp, seeds in fuzz/corpus/<name>/, past crashes in
# fuzz/regressions/<name>/. Shared by the libFuzzer build (fuzz/CMakeLists.txt) and the replay tests.
set(TFKMS_FUZZ_HARNESSES plan policy template)
