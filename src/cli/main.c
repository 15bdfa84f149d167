#include <stdio.h>
int main(void) { puts("custodian"); return 0; }
