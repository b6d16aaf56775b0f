// A tiny app a front-end developer would write: import the package, recommend, show the names.
import { createRecommender } from 'wayfinder';

const rec = await createRecommender({ server: location.origin, userId: 'vite-demo' });
const page = await rec.recommend({ interests: ['web development'], languages: ['JavaScript'] }, { limit: 10 });
document.querySelector('#out').replaceChildren(...page.items.map((i) => Object.assign(document.createElement('li'), { textContent: i.fullName })));
document.body.dataset.ready = 'true';
