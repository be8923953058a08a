/**
 * The organization's default limits on file content (attachment-annotation-files.md "File size limits": 5 MB of
 * Base64 text by default; files-images-overview.md: the default blocked extensions).
 */
export const DEFAULT_MAX_UPLOAD_FILE_SIZE = 5_242_880;
export const DEFAULT_BLOCKED_ATTACHMENTS =
    'ade;adp;app;asa;ashx;asmx;asp;bas;bat;cdx;cer;chm;class;cmd;com;config;cpl;crt;csh;dll;exe;fxp;hlp;hta;htr;htw;ida;idc;idq;inf;ins;isp;its;jar;js;jse;ksh;lnk;mad;maf;mag;mam;maq;mar;mas;mat;mau;mav;maw;mda;mdb;mde;mdt;mdw;mdz;msc;msh;msh1;msh1xml;msh2;msh2xml;mshxml;msi;msp;mst;ops;pcd;pif;prf;prg;printer;pst;reg;rem;scf;scr;sct;shb;shs;shtm;shtml;soap;stm;tmp;url;vb;vbe;vbs;vsmacros;vss;vst;vsw;ws;wsc;wsf;wsh;svg';
