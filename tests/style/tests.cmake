# House style kept by a tool: every C++ source of ours is as clang-format (.clang-format) writes it.
add_test(NAME source_format
         COMMAND Python3::Interpreter ${CMAKE_CURRENT_LIST_DIR}/format_test.py ${CMAKE_SOURCE_DIR})
set_tests_properties(source_format PROPERTIES LABELS "style")
