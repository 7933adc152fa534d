# Turns a text file into a C string constant (driver_py, driver_py_len).
file(READ ${IN} HEX HEX)
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," BODY "${HEX}")
file(WRITE ${OUT} "/* generated from driver.py; do not edit */\n#include <stddef.h>\nconst char driver_py[] = {${BODY} 0x00};\nconst size_t driver_py_len = sizeof(driver_py) - 1;\n")
