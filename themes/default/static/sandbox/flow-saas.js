//# allFunctionsCalledOnLoad
/* ernguide practice sandbox: the SAAS request pages, the part of the flow (flow.js) that
 * only a guide on CPMS via SAAS needs: its actions, sample data and view. The practice page of such a
 * guide loads it after flow.js (the other system's part stays out of the page: its size budget).
 * Pure like flow.js; h = flow.js's helpers. Classic script and CommonJS module (works from file://). */
((root, make) => {
	var F = typeof module === 'object' && module.exports ? require('./flow.js') : root.ErnSandboxFlow;
	F.addSystem('saas', make);
})(typeof self !== 'undefined' ? self : this, h => {
	'use strict';
	var str = h.str, trim = h.trim, arr = h.arr, find = h.find, E = h.E, go = h.go, note = h.note;
	var msg = h.msg, level = h.level;

	function hp(c) { return (find(c.profiles, p => p.name === 'HP') || c.profiles[0] || { name: 'HP' }).name; }

	function sampleOrg(s, c) {
		var i = c.institutions[0], g = c.network.guest_access || { code: '0000', label: 'Guest Access' };
		s.saas.path = [c.ern.code, i ? i.country : ((c.network.countries || [])[0] || {}).name || ''];
		s.saas.org = i ? { code: i.code, name: i.name, label: i.code + ' - ' + i.name } : { code: g.code, name: g.label, label: g.code + ' ' + g.label };
	}

	function clearSaas(s) { s.saas.app = ''; s.saas.path = []; s.saas.org = null; s.saas.profiles = []; s.saas.search = ''; }

	function submit(s, c) {
		s.saas.app = s.saas.app || (c.sb.saas || {}).target_application || 'CPMS';
		if (!s.saas.org) sampleOrg(s, c);
		if (!s.saas.profiles.length) s.saas.profiles = [hp(c)];
		s.saas.request = { status: 'pending', at: s.clock, org: s.saas.org, profiles: s.saas.profiles.slice(), comment: s.saas.comment };
	}

	// the organisations SAAS lists at the current level (ERNs, countries, a country's hospitals)
	function orgRows(s, c) {
		var p = s.saas.path, rows;
		if (!p.length) {
			rows = (c.d.erns || []).map(e => ({ kind: 'open', key: e.code, label: e.code + ' - ' + e.name, name: e.name }));
			((c.sb.saas || {}).extra_organisations || []).forEach(x => { rows.push({ kind: 'open', key: x, label: x, name: x }); });
			// SAAS sorts by character code: upper case first ("eUROGEN" last)
			return rows.sort((a, b) => a.label < b.label ? -1 : 1);
		}
		if (p.length === 1) {
			return (c.network.countries || []).map(k => ({ kind: 'open', key: k.name, label: k.name, name: k.name, count: (k.institutions || []).length + 1 }));
		}
		var k = find(c.network.countries || [], x => x.name === p[1]) || {}, g = c.network.guest_access || { code: '0000', label: 'Guest Access' };
		return [{ kind: 'radio', key: g.code, label: g.code + ' ' + g.label, name: g.label }].concat((k.institutions || []).map(i => {
			return { kind: 'radio', key: i.code, label: i.code + ' - ' + i.name, name: i.name };
		}));
	}

	function orgView(s, c) {
		var q = trim(s.saas.search).toLowerCase(), per = s.saas.perPage || 25;
		var rows = orgRows(s, c).filter(r => !q || r.label.toLowerCase().indexOf(q) >= 0);
		var pages = Math.max(1, Math.ceil(rows.length / per)), pg = Math.min(s.saas.page || 1, pages), start = (pg - 1) * per;
		var e = s.saas.path[0] && find(c.d.erns || [], x => x.code === s.saas.path[0]);
		return {
			level: level(s), page: pg, pages: pages, perPage: per, total: rows.length, search: s.saas.search,
			unknown: level(s) === 'institution' && rows.length < 2 && !q ? msg(s, c, 'org_unknown', { country: s.saas.path[1] }) : '',
			from: rows.length ? start + 1 : 0, to: Math.min(start + per, rows.length),
			crumbs: s.saas.path.map((x, i) => i === 0 && e ? e.code + ' - ' + e.name : x),
			rows: rows.slice(start, start + per).map(r => {
				return { kind: r.kind, key: r.key, label: r.label, count: r.count, selected: !!(s.saas.org && r.kind === 'radio' && s.saas.org.code === r.key) };
			})
		};
	}

	return {
		submit: submit,
		fact: (s, c, f) => {
			if (f === 'saas_app') s.saas.app = s.saas.app || (c.sb.saas || {}).target_application || 'CPMS';
			else if (f === 'saas_org' && !s.saas.org) sampleOrg(s, c);
			else if (f === 'saas_profile' && !s.saas.profiles.length) s.saas.profiles = [hp(c)];
		},
		actions: {
			'saas-step1': (s, c) => { go(s, c, 'saas-app'); },
			'saas-step2': (s, c, v) => {
				var app = trim(v.app);
				if (!app) return E(s, c, 'app', 'app_required');
				if (app !== ((c.sb.saas || {}).target_application || 'CPMS')) return E(s, c, 'app', 'app_not_cpms');
				s.saas.app = app;
				go(s, c, 'saas-org');
			},
			'org-open': (s, c, v, a) => {
				if (!s.saas.path.length && a !== c.ern.code) return E(s, c, 'org', 'org_other_ern');
				if (s.saas.path.length < 2) { s.saas.path.push(a); s.saas.search = ''; s.saas.page = 1; }
			},
			'org-up': s => { s.saas.path.pop(); s.saas.search = ''; s.saas.page = 1; },
			'org-search': (s, c, v) => { s.saas.search = str(v.value); s.saas.page = 1; },
			'org-perpage': (s, c, v) => { s.saas.perPage = parseInt(v.value, 10) > 0 ? parseInt(v.value, 10) : 25; s.saas.page = 1; },
			'org-page': (s, c, v, a) => { s.saas.page = Math.max(1, parseInt(a, 10) || 1); },
			'org-select': (s, c, v) => {
				var r = find(orgRows(s, c), x => x.key === str(v.value));
				if (r && r.kind === 'radio') s.saas.org = { code: r.key, name: r.name, label: r.label };
			},
			'saas-step3': (s, c) => { if (!s.saas.org) return E(s, c, 'org', 'org_required'); go(s, c, 'saas-profile'); },
			'saas-back2': (s, c) => { go(s, c, 'saas-org'); },
			'saas-step4': (s, c, v) => {
				s.saas.profiles = arr(v.profiles).filter(n => { return find(c.profiles, p => p.name === n); });
				if (!s.saas.profiles.length) return E(s, c, 'profiles', 'profile_required');
				go(s, c, 'saas-recap');
			},
			'saas-back3': (s, c) => { go(s, c, 'saas-profile'); },
			'saas-submit': (s, c, v) => {
				if (!s.saas.org) return E(s, c, 'org', 'org_required');
				if (!s.saas.profiles.length) return E(s, c, 'profiles', 'profile_required');
				s.saas.comment = str(v.comment);
				submit(s, c);
				s.screen = 'saas-pending';
				note(s, c, 'request_submitted', 'success');
			},
			'comment-draft': (s, c, v) => { s.saas.comment = str(v.value); },
			'saas-cancel': (s, c) => { clearSaas(s); go(s, c, s.saas.request ? 'saas-pending' : 'saas-app'); },
			'saas-new': (s, c) => { clearSaas(s); s.saas.request = null; s.saas.comment = ''; go(s, c, 'saas-app'); }
		},
		org: orgView,
		api: { orgRows: (s, c) => orgRows(s, h.compile(c)) }
	};
});
