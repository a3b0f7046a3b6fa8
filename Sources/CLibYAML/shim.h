// libyaml's parser API (headers from libyaml-dev). Only YAMLEventParser imports it.
// Named CLibYAML because Yams, which the tests still use, has a module called CYaml.
#include <yaml.h>
