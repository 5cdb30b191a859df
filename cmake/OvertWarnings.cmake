# Every target of ours links overt_warnings: warnings are errors.
add_library(overt_warnings INTERFACE)
target_compile_options(overt_warnings INTERFACE -Wall -Wextra -Werror)
