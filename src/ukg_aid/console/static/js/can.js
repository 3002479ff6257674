// What the screen offers a token: mirrors the API's role rules only to hide what would be
// refused. The API still decides (a forged call gets its 403).

const AUDIT_READERS = new Set(["coordinator", "admin", "observer"]);

export function capabilities(me) {
  const role = me.role;
  const desk = role === "desk";
  const admin = role === "admin";
  const own = (code) => desk && code === me.member_code;
  return {
    editStock: (memberCode) => own(memberCode) || admin,
    fileRequest: desk,
    cancelRequest: (req) => own(req.member_code) || role === "coordinator" || admin,
    dispatch: (alloc) => own(alloc.supplier_code),
    deliver: (alloc) => own(alloc.requester_code),
    plan: role === "coordinator" || admin,
    audit: AUDIT_READERS.has(role),
    fleet: role === "ems" || admin,
    assign: role === "ems" || admin,
    fileMission: role === "ems" || admin || desk,
    hospitalStatus: (memberCode) => role === "ems" || admin || own(memberCode),
  };
}
