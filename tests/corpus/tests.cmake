# Real-world load test: `tfkms check` over every file of the shared corpus (about 1,030 plans and
# templates from public projects). Zero crashes, hangs or silent refusals; in the sanitizer build any
# ASan/UBSan report aborts the run and counts as a crash. Skipped without the shared folder.
add_test(NAME corpus COMMAND ${TFKMS_WITH_SHARED} ${Python3_EXECUTABLE} {shared}/tools/corpus-run.py
         $<TARGET_FILE:tfkms> {shared}/corpus)
set_tests_properties(corpus PROPERTIES LABELS "integration;sanitize" TIMEOUT 3000 ${TFKMS_SKIP_WITHOUT_SHARED}
  ENVIRONMENT "ASAN_OPTIONS=abort_on_error=1:detect_leaks=1;UBSAN_OPTIONS=halt_on_error=1:abort_on_error=1:print_stacktrace=1")

# Findings snapshot: every corpus input's findings (rule, resource, file, line) against
# tests/corpus/findings.jsonl, so a behaviour change on real inputs shows in review. An intended change
# rewrites it with tools/corpus_snapshot.py ... --update in the same commit. Skipped without the corpus.
add_test(NAME corpus_findings_snapshot
         COMMAND ${TFKMS_WITH_SHARED} ${Python3_EXECUTABLE} ${CMAKE_SOURCE_DIR}/tools/corpus_snapshot.py
         $<TARGET_FILE:tfkms> {shared}/corpus ${CMAKE_CURRENT_LIST_DIR}/findings.jsonl)
set_tests_properties(corpus_findings_snapshot PROPERTIES LABELS "integration" TIMEOUT 3000
                     ${TFKMS_SKIP_WITHOUT_SHARED})
