/** Whether a text is base64 (Edm.Binary as the Web API carries image content). */
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export function isBase64(text: string): boolean {
    return BASE64.test(text);
}
