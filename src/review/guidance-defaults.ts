import type { Locale } from '../notify/render.ts';
import type { DecisionReasonCode } from './decision-reasons.ts';

/**
 * The built-in guidance, used until an admin edits a template. Each tells the buyer what was wrong
 * and exactly what to do next; reviewers start from it and may adjust it per case.
 */
export const DEFAULT_GUIDANCE: Record<DecisionReasonCode, Record<Locale, string>> = {
  ID_UNREADABLE: {
    en: 'We could not read your identity document. Take a new photo in good light, with all four corners visible, no glare and nothing covering the text, then upload it and resubmit your request.',
    'zh-CN': '我们无法看清您的身份证件。请在光线充足处重新拍摄，确保四角完整、无反光、文字无遮挡，上传后重新提交申请。',
  },
  ID_MISMATCH: {
    en: 'The name on your identity document does not match this account. Upload a document in the name the account was opened with, or contact customer service from your request page if your name has changed.',
    'zh-CN': '您的身份证件姓名与本账户不符。请上传与开户姓名一致的证件；如您曾更改姓名，请在申请页面联系客服。',
  },
  BLOCKERS_PRESENT: {
    en: 'Some things are still open on your account (orders, disputes, refunds, a balance or a subscription). Your request page lists each one and how to resolve it. When they are resolved, resubmit your request.',
    'zh-CN': '您的账户仍有未完成的事项（订单、纠纷、退款、余额或订阅）。申请页面列出了每一项及处理方法，处理完毕后请重新提交申请。',
  },
  SUSPECTED_FRAUD: {
    en: 'We could not confirm that this request comes from the account owner. For your protection we have not closed the account. If you made this request, contact customer service from your request page.',
    'zh-CN': '我们无法确认此申请由账户本人提出。为保护您的账户，我们未予注销。如确系本人申请，请在申请页面联系客服。',
  },
  DOCUMENTS_INCOMPLETE: {
    en: 'Some of the documents we need are missing. Upload both the front and the back of your identity document, then resubmit your request.',
    'zh-CN': '所需材料不完整。请上传身份证件的正面和背面，然后重新提交申请。',
  },
  OTHER: {
    en: 'We need more information before we can continue. Read the message from customer service on your request page and reply there.',
    'zh-CN': '我们需要更多信息才能继续处理。请在申请页面查看客服留言并回复。',
  },
  APPROVED: {
    en: 'Your request was approved. Your account is now closed for new orders. You can still withdraw your request until erasure begins.',
    'zh-CN': '您的申请已获批准。您的账户已停止接受新订单。在数据删除开始之前，您仍可撤回申请。',
  },
};
