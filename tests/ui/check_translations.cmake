# Fails when a translation is incomplete: re-extracts every tr() string of ui/ and app/gui into a
# copy of each .ts file (so strings added to the code but not to the .ts count too) and rejects
# unfinished, empty or vanished entries.
# It extracts exactly as the update_translations target does (same lupdate project: sources and
# include paths, so class contexts resolve the same way).
# Usage: cmake -DLUPDATE=... -DSRC=<source dir> -DWORK=<scratch dir> -DPROJECT_IN=<.lupdate/*_project.cmake>
#              -DGENERATOR=<Qt6LinguistTools/GenerateLUpdateProject.cmake> -P check_translations.cmake
file(GLOB ts_files ${SRC}/translations/*.ts)
if(NOT ts_files)
  message(FATAL_ERROR "no .ts files under ${SRC}/translations")
endif()
file(MAKE_DIRECTORY ${WORK})
execute_process(COMMAND ${CMAKE_COMMAND} -DIN_FILE=${PROJECT_IN} -DOUT_FILE=${WORK}/project.json -P ${GENERATOR}
                RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "cannot generate the lupdate project from ${PROJECT_IN}")
endif()
set(failed 0)
foreach(ts ${ts_files})
  get_filename_component(name ${ts} NAME)
  configure_file(${ts} ${WORK}/${name} COPYONLY)
  execute_process(COMMAND ${LUPDATE} -silent -project ${WORK}/project.json -no-obsolete -locations none -ts ${WORK}/${name}
                  RESULT_VARIABLE rc OUTPUT_QUIET)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "lupdate failed on ${name}")
  endif()
  file(READ ${WORK}/${name} content)
  string(REGEX MATCHALL "<message[^>]*>" messages "${content}")
  list(LENGTH messages total)
  string(REGEX MATCHALL "<translation type=\"unfinished\"" unfinished "${content}")
  string(REGEX MATCHALL "<translation></translation>|<translation/>" empty "${content}")
  string(REGEX MATCHALL "type=\"(vanished|obsolete)\"" vanished "${content}")
  list(LENGTH unfinished n_unfinished)
  list(LENGTH empty n_empty)
  list(LENGTH vanished n_vanished)
  message(STATUS "${name}: ${total} messages, ${n_unfinished} unfinished, ${n_empty} empty, ${n_vanished} vanished")
  if(n_unfinished GREATER 0 OR n_empty GREATER 0 OR n_vanished GREATER 0)
    string(REGEX MATCHALL "<source>[^<]*</source>\n[ ]*<translation type=\"unfinished\"" examples "${content}")
    list(SUBLIST examples 0 5 examples)
    message(STATUS "  e.g. ${examples}")
    set(failed 1)
  endif()
endforeach()
if(failed)
  message(FATAL_ERROR "translations are incomplete: run `cmake --build <build> --target update_translations` and translate the unfinished entries")
endif()
