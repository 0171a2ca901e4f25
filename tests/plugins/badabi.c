/* A model plugin built for another ABI version: loading must refuse it (exit 2, naming --model-plugin). */
#include "sgdlab_plugin.h"

const sgl_model_plugin sgdlab_model_plugin = {.abi_version = SGL_PLUGIN_ABI_VERSION + 98, .size = sizeof(sgl_model_plugin),
                                           .name = "badabi"};
