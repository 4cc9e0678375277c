# Real-world load test: `tfkms check` over every file of ../shared/corpus (about 1,030 plans and
# templates from public projects). Zero crashes, hangs or silent refusals; in the sanitizer build any
# ASan/UBSan report aborts the run and counts as a crash.
set(TFKMS_CORPUS ${TFKMS_SHARED_DIR}/corpus)
add_test(NAME corpus COMMAND Python3::Interpreter ${TFKMS_SHARED_DIR}/tools/corpus-run.py
         $<TARGET_FILE:tfkms> ${TFKMS_CORPUS})
set_tests_properties(corpus PROPERTIES LABELS "integration;sanitize" TIMEOUT 3000
  ENVIRONMENT "ASAN_OPTIONS=abort_on_error=1:detect_leaks=1;UBSAN_OPTIONS=halt_on_error=1:abort_on_error=1:print_stacktrace=1")
