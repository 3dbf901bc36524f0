/* placeholder until the README example lands */
int main(void) { return 0; }
