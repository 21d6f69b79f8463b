import type { Language } from "@observer/protocol";

/**
 * What an empty editor gets when the student picks a language: the smallest program that
 * runs and prints something, so a first Run shows output.
 */
export const LANGUAGE_TEMPLATES: Record<Language, string> = {
  python: 'print("Hello, world!")\n',
  javascript: 'console.log("Hello, world!");\n',
  c: '#include <stdio.h>\n\nint main(void) {\n    printf("Hello, world!\\n");\n    return 0;\n}\n',
  cpp: '#include <iostream>\n\nint main() {\n    std::cout << "Hello, world!" << std::endl;\n    return 0;\n}\n',
  java: 'public class Main {\n    public static void main(String[] args) {\n        System.out.println("Hello, world!");\n    }\n}\n',
};
