# The GitHub Action (action.yml + action/*.sh) run without GitHub: action_test.py reads action.yml
# (through tfkms_yaml_to_json), lints it, and runs each step as the runner would, with GITHUB_*
# variables and temp files, a fake tfkms, and hostile inputs for the injection checks.
add_executable(tfkms_yaml_to_json ${CMAKE_CURRENT_LIST_DIR}/yaml_to_json.cpp)
target_link_libraries(tfkms_yaml_to_json PRIVATE nlohmann_json::nlohmann_json yaml-cpp tfkms_warnings)

add_test(NAME action COMMAND Python3::Interpreter ${CMAKE_CURRENT_LIST_DIR}/action_test.py
         --source-dir ${CMAKE_SOURCE_DIR} --yaml-to-json $<TARGET_FILE:tfkms_yaml_to_json>)
set_tests_properties(action PROPERTIES LABELS "integration")
