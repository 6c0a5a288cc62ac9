import type { Faker } from '@faker-js/faker';

export interface Product {
  name: string;
  /** Minor units. */
  price: number;
}

/**
 * Text pools drawn once from faker, then picked from per row: faker's text generators cost
 * microseconds each, and millions of rows would spend most of the run in them. The pools are drawn
 * from the seeded generators, so they are the same on every run with the same seed.
 */
export interface Catalogue {
  products: Product[];
  sellers: string[];
  reviewsEn: string[];
  reviewsZh: string[];
  messagesEn: string[];
  messagesZh: string[];
  disputeReasons: string[];
}

const ZH_REVIEWS = ['质量很好，物流也快。', '和描述一致，推荐购买。', '包装有点破损，但商品没问题。', '性价比高，会回购。', '颜色和图片有色差。', '客服态度很好。', '用了一周，感觉还不错。', '尺码偏小，建议买大一号。'];
const ZH_MESSAGES = ['请问什么时候发货？', '可以开发票吗？', '地址填错了，能帮我改一下吗？', '这个有现货吗？', '收到了，谢谢！', '能便宜一点吗？', '快递到哪里了？', '请帮我改成顺丰发货。'];

export function buildCatalogue(en: Faker, zh: Faker): Catalogue {
  const products: Product[] = [];
  for (let i = 0; i < 400; i++) {
    const faker = i % 2 === 0 ? en : zh;
    // Prices: mostly small, some large (log-uniform from ¥5 to ¥5,000).
    const price = Math.round(Math.exp(en.number.float({ min: Math.log(500), max: Math.log(500_000) })) / 10) * 10;
    products.push({ name: faker.commerce.productName(), price });
  }
  const pick = (n: number, make: () => string) => Array.from({ length: n }, make);
  return {
    products,
    sellers: pick(150, () => zh.company.name()),
    reviewsEn: pick(200, () => en.lorem.sentences({ min: 1, max: 3 })),
    reviewsZh: pick(200, () => `${zh.helpers.arrayElement(ZH_REVIEWS)}${zh.helpers.arrayElement(ZH_REVIEWS)}`),
    messagesEn: pick(200, () => en.lorem.sentence()),
    messagesZh: pick(200, () => `${zh.helpers.arrayElement(ZH_MESSAGES)}${zh.number.int({ max: 1 }) ? zh.helpers.arrayElement(ZH_MESSAGES) : ''}`),
    disputeReasons: pick(50, () => en.lorem.sentence()),
  };
}
