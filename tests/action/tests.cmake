# The GitHub Action (action.yml + action/*.sh) run without GitHub: action_test.py reads action.yml
# (through tfkms_yaml_to_json), lints it, and runs each step as the runner would, with GITHUB_*
# variables and temp files: the real tfkms on the demo fixture, and a fake tfkms that records its
# arguments for the exact command line and the injection checks with hostile inputs.
add_executable(tfkms_yaml_to_json ${CMAKE_CURRENT_LIST_DIR}/yaml_to_json.cpp)
target_link_libraries(tfkms_yaml_to_json PRIVATE nlohmann_json::nlohmann_json yaml-cpp tfkms_warnings)

add_test(NAME action COMMAND Python3::Interpreter ${CMAKE_CURRENT_LIST_DIR}/action_test.py
         --source-dir ${CMAKE_SOURCE_DIR} --yaml-to-json $<TARGET_FILE:tfkms_yaml_to_json> --tfkms $<TARGET_FILE:tfkms>)
set_tests_properties(action PROPERTIES LABELS "integration")
