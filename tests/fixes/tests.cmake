# Fixes as data (a finding's fix_edit). fix_apply: every fix of every positive rule fixture, applied
# to the input (both formats), removes its finding and adds none; a new key's statement is not wider
# than the sharing it replaces; a design choice lists its options. one_voice: no two fixes on one
# resource contradict, over the fixtures and, when the shared folder is there, the corpus.
add_test(NAME fix_apply
         COMMAND Python3::Interpreter ${CMAKE_CURRENT_LIST_DIR}/fix_apply_test.py $<TARGET_FILE:tfkms>
                 ${CMAKE_SOURCE_DIR}/fixtures ${CMAKE_CURRENT_BINARY_DIR}/fix_apply)
set_tests_properties(fix_apply PROPERTIES LABELS "integration" TIMEOUT 900)

add_test(NAME one_voice_fixtures
         COMMAND Python3::Interpreter ${CMAKE_CURRENT_LIST_DIR}/one_voice_test.py $<TARGET_FILE:tfkms>
                 ${CMAKE_SOURCE_DIR}/fixtures)
set_tests_properties(one_voice_fixtures PROPERTIES LABELS "integration" TIMEOUT 900)

add_test(NAME one_voice_corpus
         COMMAND ${TFKMS_WITH_SHARED} ${Python3_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/one_voice_test.py
                 $<TARGET_FILE:tfkms> ${CMAKE_SOURCE_DIR}/fixtures {shared}/corpus)
set_tests_properties(one_voice_corpus PROPERTIES LABELS "integration" TIMEOUT 3000 ${TFKMS_SKIP_WITHOUT_SHARED})

# SARIF fixes: the text replacement each template finding's fix carries, applied to the file, removes
# the finding and adds none.
add_test(NAME sarif_fix_apply
         COMMAND Python3::Interpreter ${CMAKE_CURRENT_LIST_DIR}/sarif_fix_test.py $<TARGET_FILE:tfkms>
                 ${CMAKE_SOURCE_DIR}/fixtures ${CMAKE_CURRENT_BINARY_DIR}/sarif_fix_apply)
set_tests_properties(sarif_fix_apply PROPERTIES LABELS "integration" TIMEOUT 900)
