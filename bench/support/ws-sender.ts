/** The static part of ws' `Sender` that @types/ws leaves out: it frames a message without sending it. */
export interface FrameSender {
  frame(
    data: Buffer,
    options: { readonly fin: boolean; readonly opcode: number; readonly mask: boolean; readonly readOnly: boolean; readonly rsv1: boolean },
  ): Buffer[];
}
