/* swiftdl._C: the CPython extension over libswiftdl's C ABI. */
#include "extension.h"

static int add_methods(PyObject *module, PyMethodDef *methods) {
    for (PyMethodDef *method = methods; method->ml_name != NULL; method++) {
        PyObject *function = PyCFunction_NewEx(method, NULL, PyModule_GetNameObject(module));
        if (function == NULL || PyModule_AddObject(module, method->ml_name, function) < 0) {
            Py_XDECREF(function);
            return -1;
        }
    }
    return 0;
}

static struct PyModuleDef module_definition = {
    PyModuleDef_HEAD_INIT, "swiftdl._C", "The swiftdl engine's CPython binding.", -1, NULL,
};

PyMODINIT_FUNC PyInit__C(void) {
    if (sdl_abi_version() != SDL_ABI_VERSION) {
        PyErr_Format(PyExc_ImportError, "libswiftdl ABI version %d does not match the extension's %d; reinstall swiftdl",
                     sdl_abi_version(), SDL_ABI_VERSION);
        return NULL;
    }
    if (PyType_Ready(&TensorBaseType) < 0) return NULL;
    PyObject *module = PyModule_Create(&module_definition);
    if (module == NULL) return NULL;
    Py_INCREF(&TensorBaseType);
    if (PyModule_AddObject(module, "TensorBase", (PyObject *)&TensorBaseType) < 0 ||
        add_methods(module, tensor_module_methods) < 0 || add_methods(module, ops_module_methods) < 0 ||
        add_methods(module, autograd_module_methods) < 0 || add_methods(module, nn_module_methods) < 0 ||
        add_methods(module, optimizer_module_methods) < 0 || add_methods(module, conv_module_methods) < 0 ||
        add_methods(module, recurrent_module_methods) < 0 || add_methods(module, runtime_module_methods) < 0 ||
        add_methods(module, seeded_random_module_methods) < 0 || add_methods(module, fused_layer_module_methods) < 0 ||
        add_methods(module, attention_module_methods) < 0 || add_methods(module, image_module_methods) < 0 ||
        add_methods(module, string_hash_module_methods) < 0 || add_methods(module, lookup_table_module_methods) < 0 ||
        add_methods(module, bincount_module_methods) < 0) {
        Py_DECREF(module);
        return NULL;
    }
    return module;
}
