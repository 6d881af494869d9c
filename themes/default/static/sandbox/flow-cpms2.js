//# allFunctionsCalledOnLoad
/* ernguide practice sandbox: the CPMS 2.0 sign-up pages, the part of the flow (flow.js) that
 * only a guide on CPMS 2.0 needs: its actions, sample data, validators and view. The practice page of such a
 * guide loads it after flow.js (the other system's part stays out of the page: its size budget).
 * Pure like flow.js; h = flow.js's helpers. Classic script and CommonJS module (works from file://). */
((root, make) => {
	var F = typeof module === 'object' && module.exports ? require('./flow.js') : root.ErnSandboxFlow;
	F.addSystem('cpms2', make);
})(typeof self !== 'undefined' ? self : this, h => {
	'use strict';
	var str = h.str, trim = h.trim, arr = h.arr, E = h.E, go = h.go, note = h.note;
	var need = h.need, errs = h.errs, name = h.name;

	function checkSignup1(v) {
		var e = [];
		if (!v.role) e.push({ field: 'role', code: 'c2_role' });
		if (v.member !== 'yes' && v.member !== 'no') e.push({ field: 'member', code: 'c2_member' });
		if (v.member === 'yes') {
			need(e, v, ['hospital'], 'c2_hospital');
			need(e, v, ['ern'], 'c2_ern');
		} else if (v.member === 'no') {
			need(e, v, ['guest_hospital'], 'c2_hospital');
			need(e, v, ['invited'], 'c2_invited');
			need(e, v, ['country'], 'c2_country');
		}
		return e;
	}

	function checkSignup2(v, c) {
		var e = [];
		need(e, v, ['cares'], 'c2_cares');
		need(e, v, ['profession'], 'c2_profession');
		if ((h.compile(c).network.thematic_areas || []).length) need(e, v, ['areas'], 'c2_area');
		return e;
	}

	function page1(c) {
		var i = c.institutions[0], k = ((c.network.countries || [])[0] || {}).name || (c.d.countries || [])[0] || '';
		return i ? { role: 'Clinician', member: 'yes', hospital: i.name, ern: [c.ern.code], guest_hospital: '', invited: [], country: '' }
			: { role: 'Clinician', member: 'no', hospital: '', ern: [], guest_hospital: c.sample.hospital || 'Hospital', invited: [c.ern.code], country: k };
	}
	function page2(c) { return { cares: ['Pediatric'], profession: c.sample.profession || 'Other', areas: (c.network.thematic_areas || []).slice(0, 1), subarea: '', focus: '' }; }

	function submit(s, c) {
		s.c2.p1 = s.c2.p1 || page1(c);
		s.c2.p2 = s.c2.p2 || page2(c);
		s.c2.request = { status: 'pending', at: s.clock };
	}

	return {
		submit: submit,
		fact: (s, c, f) => {
			if (f === 'c2_page1') { s.c2.p1 = s.c2.p1 || page1(c); s.c2.member = s.c2.p1.member; }
			else if (f === 'c2_page2') s.c2.p2 = s.c2.p2 || page2(c);
		},
		actions: {
			'c2-member': (s, c, v) => { s.c2.member = str(v.value); },
			'c2-next1': (s, c, v) => {
				s.c2.member = str(v.member) || s.c2.member;
				if (errs(s, c, checkSignup1(v))) return;
				s.c2.p1 = { role: str(v.role), member: v.member, hospital: trim(v.hospital), ern: arr(v.ern), guest_hospital: trim(v.guest_hospital), invited: arr(v.invited), country: trim(v.country) };
				s.screen = 'cpms2-signup-2';
			},
			'c2-back': s => { s.screen = 'cpms2-signup-1'; },
			'c2-next2': (s, c, v) => {
				if (errs(s, c, checkSignup2(v, c))) return;
				s.c2.p2 = { cares: arr(v.cares), profession: trim(v.profession), areas: arr(v.areas), subarea: trim(v.subarea), focus: trim(v.focus) };
				s.screen = 'cpms2-signup-3';
			},
			'c2-edit': s => { s.screen = 'cpms2-signup-1'; },
			'c2-submit': (s, c) => {
				if (!s.c2.p1) { s.screen = 'cpms2-signup-1'; return E(s, c, 'role', 'c2_role'); }
				if (!s.c2.p2) { s.screen = 'cpms2-signup-2'; return E(s, c, 'cares', 'c2_cares'); }
				submit(s, c);
				s.screen = 'cpms2-submitted';
				note(s, c, 'c2_submitted', 'success');
			},
			'c2-signout': (s, c) => { s.auth = null; go(s, c, 'cpms2-home'); }
		},
		// the Overview page's values
		slots: (s, c) => {
			var a = s.account || {}, p1 = s.c2.p1 || {}, p2 = s.c2.p2 || {}, roles = (c.sb.cpms2 || {}).role_overview || {}, member = p1.member === 'yes';
			return {
				c2_name: name(a) || '-', c2_email: a.email || '-', c2_username: a.username || '-', c2_role: roles[p1.role] || p1.role || '-', c2_member: p1.member ? c.labels['c2_' + p1.member] || p1.member : '-',
				c2_ern: arr(member ? p1.ern : p1.invited).join(', ') || '-', c2_hospital: (member ? p1.hospital : p1.guest_hospital) || '-',
				c2_country: p1.country || '-', c2_cares: arr(p2.cares).join(', ') || '-', c2_profession: p2.profession || '-',
				c2_area: arr(p2.areas).join(', ') || '-', c2_subarea: p2.subarea || '-', c2_focus: p2.focus || '-'
			};
		},
		api: { checkSignup1: checkSignup1, checkSignup2: checkSignup2 }
	};
});
