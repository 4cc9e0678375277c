# Embeds rules/TFKMS*.md into generated/rule_docs.hpp as constexpr string_views, so `tfkms explain`
# and SARIF help work without the source tree. The raw-string delimiter cannot occur in Markdown.
function(tfkms_embed_docs target docs_dir)
  set(out ${CMAKE_CURRENT_BINARY_DIR}/generated/rule_docs.hpp)
  file(GLOB docs CONFIGURE_DEPENDS ${docs_dir}/TFKMS*.md)
  add_custom_command(OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} -DDOCS_DIR=${docs_dir} -DOUT=${out} -P ${CMAKE_SOURCE_DIR}/cmake/GenerateRuleDocs.cmake
    DEPENDS ${docs} ${CMAKE_SOURCE_DIR}/cmake/GenerateRuleDocs.cmake
    COMMENT "Embedding rule documentation")
  add_custom_target(${target} DEPENDS ${out})
endfunction()
