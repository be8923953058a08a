/**
 * The Label ComplexType of metadata bodies: "When you create or update labels ... you only need to set the
 * `LocalizedLabels` property" (create-update-entity-definitions-using-web-api.md). The simulator keeps one text: the
 * 1033 label, else the first.
 */
import { z } from 'zod';

export const labelSchema = z
    .object({
        LocalizedLabels: z
            .array(z.object({ Label: z.string(), LanguageCode: z.number().int() }).passthrough())
            .min(1, 'needs at least one LocalizedLabel'),
    })
    .passthrough();

export type LabelInput = z.infer<typeof labelSchema>;

export function labelText(label: LabelInput | undefined): string | undefined {
    if (!label) return undefined;
    const labels = label.LocalizedLabels;
    return (labels.find((l) => l.LanguageCode === 1033) ?? labels[0])?.Label;
}
