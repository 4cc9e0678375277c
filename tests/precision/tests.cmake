# Precision kept: findings on the shared corpus reviewed by hand (precision.tsv: file, rule, resource,
# verdict, reason). Fails when a finding reviewed wrong comes back. Skipped without the shared folder.
add_test(NAME corpus_precision
         COMMAND ${TFKMS_WITH_SHARED} ${Python3_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/precision_test.py
                 $<TARGET_FILE:tfkms> {shared}/corpus ${CMAKE_CURRENT_LIST_DIR}/precision.tsv)
set_tests_properties(corpus_precision PROPERTIES LABELS "integration" TIMEOUT 900 ${TFKMS_SKIP_WITHOUT_SHARED})
