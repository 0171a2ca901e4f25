/* A shared object without the sgl_model_plugin symbol: loading must refuse it (exit 2, naming --model-plugin). */
int sgl_not_a_plugin(int x);
int sgl_not_a_plugin(int x) { return x + 1; }
