#include "wayfinder/version.h"
