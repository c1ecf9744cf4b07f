import { x } from './x';

export const userToServer: string = 'ghu_XhVsxan0LXaHenEDXFNj9FPWW4CurSqIfcZ3';
export const openaiKey: string = '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';
export const ANTHROPIC_API_KEY: string = 'sk-ant-api03-H-l1lIQt5iGLKdfdN08DLceJvZmly_X0s2lkUp9raCFNfLEL7z1JMrDY_NyBD3e9vOHDu2XBwVzBIFJrS_lWJ-ONgWoU0AA';
export const browserKey: string = 'NRJS-c2b1283c326c2ff82ce';
export const client_secret: string = 'OjM9rTtPxI728cAt4ks0yA2TruKpJZdH';
